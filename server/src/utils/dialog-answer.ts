import type { DialogStatus } from '../../../contract';

// What the site's `canOpenDialog` hook answered (config/hooks.ts), read as a dialog token's status.

/** The hook's answer as a token's status; `'refused'` for `false`, null for an answer that means nothing. */
export const dialogStatusOf = (answer: unknown): DialogStatus | 'refused' | null => {
  if (answer === 'default') return 0;
  if (answer === 'need_access') return 1;
  if (answer === false) return 'refused';
  return null;
};

/** What an unusable answer was, in a word for the log (never its content). */
export const answerKind = (answer: unknown): string =>
  answer === null ? 'null' : Array.isArray(answer) ? 'an array' : typeof answer === 'string' ? 'another string' : typeof answer;
