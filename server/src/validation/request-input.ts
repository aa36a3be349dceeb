import { errors } from '@strapi/utils';

/** A parsed request body as an object: JSON and form bodies are objects, anything else reads as empty. */
export const bodyObject = (body: unknown): Record<string, unknown> =>
  body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/** A query, path or body value that must be one string (numbers are taken as their text). */
export const optionalString = (value: unknown, name: string, maxLength: number): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new errors.ValidationError(`${name} must be a single string`);
  if (value.length > maxLength) throw new errors.ValidationError(`${name} is longer than ${maxLength} characters`);
  return value;
};

/** The first of several accepted names that the input holds. */
export const firstPresent = (input: Record<string, unknown>, names: string[]): unknown => {
  const name = names.find((candidate) => input[candidate] !== undefined && input[candidate] !== null);
  return name === undefined ? undefined : input[name];
};
