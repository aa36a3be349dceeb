import { errors } from '@strapi/utils';

/** What is wrong with one field of a request (never its value). */
export interface FieldProblem {
  key: string;
  message: string;
}

/**
 * The one maker of a ValidationError that names each field as Strapi's own validation does
 * (`details.errors[]: {path: [field], message, name}`), so the admin page can show each message
 * next to its field. `message` defaults to the one problem's, or how many there are.
 */
export const fieldsValidationError = (
  problems: FieldProblem[],
  message = problems.length === 1 ? problems[0].message : `${problems.length} errors occurred`
) =>
  new errors.ValidationError(message, {
    errors: problems.map(({ key, message: text }) => ({ path: [key], message: text, name: 'ValidationError' })),
  });
