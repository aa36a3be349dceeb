import { errors } from '@strapi/utils';
import { SEARCH_TERM_MAX_LENGTH } from '../constants';
import { optionalString } from './request-input';

/** A search term as the chat server's search takes it: one string, trimmed, at most SEARCH_TERM_MAX_LENGTH characters. */
export const parseSearchTerm = (value: unknown): string => {
  // Characters, not UTF-16 units, and after trimming: 100 emoji are 100 characters.
  const term = (optionalString(value, 'q', SEARCH_TERM_MAX_LENGTH * 4) ?? '').trim();
  if (term.length > SEARCH_TERM_MAX_LENGTH && Array.from(term).length > SEARCH_TERM_MAX_LENGTH) {
    throw new errors.ValidationError(`q is longer than ${SEARCH_TERM_MAX_LENGTH} characters`);
  }
  return term;
};

/** `limit`: a positive whole number, `fallback` when absent, at most `max` (a larger one is cut to it). */
export const parseSearchLimit = (value: unknown, fallback: number, max: number): number => {
  const text = optionalString(value, 'limit', 10);
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new errors.ValidationError('limit must be a positive whole number');
  return Math.min(Number(text), max);
};
