import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../../contract';
import { EXTEND_USERS_TIMEOUT_MS, mergeExtension, type ExtendRoute, type ExtendUsers } from '../utils/extend-users';
import { guardedHook, hookErrorMessage } from '../utils/guarded-hook';

/**
 * Something went wrong with the hook: `kind` is a fixed word of ours (the log limiter keys on it),
 * `problem` the words for the log (it may quote the hook's error).
 */
export type ExtensionReport = (kind: ExtensionTrouble, problem: string) => void;
export type ExtensionTrouble =
  | 'extendUsers-busy'
  | 'extendUsers-failed'
  | 'extendUsers-timeout'
  | 'extendUsers-unreadable'
  | `extendUsers-junk-${string}`;

/**
 * Runs the site's `extendUsers` hook over batches, one runner per Strapi instance (the users
 * service makes it). A hook that throws, hangs, answers junk or an answer that throws when read is
 * reported and the batch is answered without it; at most `limit` calls run at once, the calls a
 * timeout gave up on included, so a hung dependency cannot pile them up.
 */
export const extensionRunner = (report: ExtensionReport, timeoutMs = EXTEND_USERS_TIMEOUT_MS) => {
  const guard = guardedHook();

  return {
    /** Hook calls started and not settled yet (those a timeout gave up on included). */
    inFlight: guard.inFlight,

    async run(hook: ExtendUsers, users: ChatUser[], context: { strapi: Core.Strapi; route: ExtendRoute }, limit: number) {
      const outcome = await guard.run(() => hook(structuredClone(users), context), { timeoutMs, limit });
      if (!outcome.ok) {
        const suffix = outcome.failure === 'busy' ? ` (extendUsersConcurrency: ${limit})` : '';
        report(`extendUsers-${outcome.failure}`, outcome.problem + suffix);
        return users;
      }
      try {
        const merged = mergeExtension(users, outcome.value);
        if (Array.isArray(merged)) return merged;
        report(`extendUsers-junk-${merged.kind}`, `answered ${merged.why}`);
      } catch (error) {
        report('extendUsers-unreadable', `answered users that throw when read: ${hookErrorMessage(error)}`);
      }
      return users;
    },
  };
};

export type ExtensionRunner = ReturnType<typeof extensionRunner>;
