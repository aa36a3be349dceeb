import { errors } from '@strapi/utils';
import { bodyObject } from './request-input';

const DIGITS = /^\d{1,15}$/;

/** The body of `POST /api/imbachat/dialog`: `user_id`, the other user, a positive whole number or its string. */
export const parseDialogRequest = (body: unknown): { userId: number } => {
  const value = bodyObject(body).user_id;
  const invalid = () => new errors.ValidationError('user_id must be the other user\'s id, a positive whole number');
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 1) throw invalid();
    return { userId: value };
  }
  if (typeof value !== 'string' || !DIGITS.test(value.trim())) throw invalid();
  const userId = Number(value.trim());
  if (!Number.isSafeInteger(userId) || userId < 1) throw invalid();
  return { userId };
};
