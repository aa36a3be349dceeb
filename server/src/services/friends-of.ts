import type { Core } from '@strapi/strapi';
import { EXTEND_USERS_CONCURRENCY, EXTEND_USERS_TIMEOUT_MS, MAX_FRIENDS, type FriendsOf } from '../config/hooks';
import { guardedHook, hookErrorMessage } from './guarded-hook';

export type FriendsTrouble = 'friendsOf-busy' | 'friendsOf-failed' | 'friendsOf-timeout' | 'friendsOf-junk';

/** A positive integer id from an item of the hook's answer, or null. */
const idOf = (item: unknown): number | null => {
  let value = item;
  if (value !== null && typeof value === 'object') {
    const { id, user_id: userId } = value as { id?: unknown; user_id?: unknown };
    value = id ?? userId;
  }
  if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) value = Number(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
};

/**
 * The hook's answer as friend ids: each once, in its order, never the user, at most MAX_FRIENDS.
 * Null when it is not an array (reads the answer, so it may throw: the caller guards it).
 */
export const friendIdsOf = (answer: unknown, userId: number): number[] | null => {
  if (!Array.isArray(answer)) return null;
  const ids = new Set<number>();
  for (const item of answer) {
    const id = idOf(item);
    if (id !== null && id !== userId) ids.add(id);
    if (ids.size >= MAX_FRIENDS) break;
  }
  return [...ids];
};

/**
 * Runs the site's `friendsOf` hook, guarded as `extendUsers` is: a throw, a timeout, junk or too
 * many calls still running answer [] and are reported (the caller logs one line).
 */
export const friendsHookRunner = (
  report: (kind: FriendsTrouble, problem: string) => void,
  timeoutMs = EXTEND_USERS_TIMEOUT_MS,
  limit = EXTEND_USERS_CONCURRENCY
) => {
  const guard = guardedHook();

  return {
    async run(hook: FriendsOf, userId: number, context: { strapi: Core.Strapi }): Promise<number[]> {
      const outcome = await guard.run(() => hook(userId, context), { timeoutMs, limit });
      if (!outcome.ok) {
        report(`friendsOf-${outcome.failure}`, outcome.problem);
        return [];
      }
      const answer = outcome.value;
      try {
        const ids = friendIdsOf(answer, userId);
        if (ids) return ids;
        report('friendsOf-junk', `answered ${answer === undefined ? 'nothing' : typeof answer} instead of an array of user ids`);
      } catch (error) {
        report('friendsOf-junk', `answered a list that throws when read: ${hookErrorMessage(error)}`);
      }
      return [];
    },
  };
};
