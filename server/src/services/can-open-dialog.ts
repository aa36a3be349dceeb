import type { Core } from '@strapi/strapi';
import type { DialogStatus } from '../../../contract';

/**
 * `config/plugins` → `imbachat.config.canOpenDialog`: whether `initiator` may write to `user_id`
 * first. `"default"` opens the dialog, `"need_access"` opens it once the other user accepts,
 * `false` refuses. Anything else (a throw, a timeout, another answer) refuses too.
 */
export type CanOpenDialog = (
  dialog: { initiator: number; user_id: number },
  context: { strapi: Core.Strapi }
) => 'default' | 'need_access' | false | Promise<'default' | 'need_access' | false>;

/** How long the hook may take; longer, the dialog is refused (`canOpenDialogTimeoutMs`). */
export const CAN_OPEN_DIALOG_TIMEOUT_MS = 3000;

/** Hook calls one instance lets run at once (`canOpenDialogConcurrency`), as for extendUsers; beyond, a request is refused. */
export const CAN_OPEN_DIALOG_CONCURRENCY = 4;

/** Dialog tokens one user may get per window (`dialogTokens`), counted across instances. */
export const DIALOG_TOKENS_RULE = { max: 60, windowSeconds: 60 };

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
