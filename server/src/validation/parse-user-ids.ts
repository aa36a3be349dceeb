import { errors } from '@strapi/utils';
import { MAX_ROW_ID, MAX_USER_IDS } from '../constants';

const POSITIVE_INTEGER = /^\d{1,10}$/;

const tokensOf = (input: unknown, separator: string): string[] => {
  if (typeof input === 'number') return [String(input)];
  if (typeof input !== 'string') return [];
  const byComma = input.split(',');
  return separator === ',' ? byComma : byComma.flatMap((part) => part.split(separator));
};

/**
 * Reads a list of user ids as the chat server sends it: "1,2,3" (or with the configured
 * separator), a number, or an array of either. Tokens that are not positive integers are
 * ignored, duplicates are dropped, order is kept. More than MAX_USER_IDS ids is a ValidationError.
 */
export const parseUserIds = (input: unknown, separator = ','): number[] => {
  const parts = Array.isArray(input) ? input : [input];
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const part of parts) {
    for (const token of tokensOf(part, separator)) {
      const text = token.trim();
      if (!POSITIVE_INTEGER.test(text)) continue;
      const id = Number(text);
      if (id < 1 || id > MAX_ROW_ID || seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
      if (ids.length > MAX_USER_IDS) {
        throw new errors.ValidationError(`Too many user ids: at most ${MAX_USER_IDS} per request`);
      }
    }
  }
  return ids;
};

/** One user id (a route's `:id`): a positive integer, or undefined for anything else. */
export const parseUserId = (input: unknown): number | undefined => {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!POSITIVE_INTEGER.test(text)) return undefined;
  const id = Number(text);
  return id >= 1 && id <= MAX_ROW_ID ? id : undefined;
};
