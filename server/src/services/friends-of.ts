import type { Core } from '@strapi/strapi';
import { EXTEND_USERS_CONCURRENCY, EXTEND_USERS_TIMEOUT_MS } from '../utils/extend-users';

/** Friends one user is answered with at most (GET /v1/user/friends/:id). */
export const MAX_FRIENDS = 1000;

/**
 * `config/plugins` → `imbachat.config.friendsOf`: the user's friends, for sites that keep them
 * elsewhere than in a relation of the user model. Answers an array of user ids (numbers or digit
 * strings) or of objects with `id` (users as Strapi's query engine gives them) or `user_id`.
 */
export type FriendsOf = (userId: number, context: { strapi: Core.Strapi }) => unknown;

export type FriendsTrouble = 'friendsOf-busy' | 'friendsOf-failed' | 'friendsOf-timeout' | 'friendsOf-junk';

const LATE = Symbol('late');

const messageOf = (error: unknown) => {
  try {
    return (error instanceof Error ? error.message : String(error)).slice(0, 300);
  } catch {
    return 'an error that cannot be read';
  }
};

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
  let inFlight = 0;
  const settled = () => {
    inFlight -= 1;
  };

  return {
    async run(hook: FriendsOf, userId: number, context: { strapi: Core.Strapi }): Promise<number[]> {
      if (inFlight >= limit) {
        report('friendsOf-busy', `was not called: ${inFlight} calls are still running`);
        return [];
      }
      inFlight += 1;
      const running = Promise.resolve().then(() => hook(userId, context));
      running.then(settled, settled);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<typeof LATE>((resolve) => {
        timer = setTimeout(() => resolve(LATE), timeoutMs);
      });
      let answer: unknown;
      try {
        answer = await Promise.race([running, late]);
      } catch (error) {
        report('friendsOf-failed', `failed: ${messageOf(error)}`);
        return [];
      } finally {
        clearTimeout(timer);
      }
      if (answer === LATE) {
        report('friendsOf-timeout', `took longer than ${timeoutMs} ms`);
        return [];
      }
      try {
        const ids = friendIdsOf(answer, userId);
        if (ids) return ids;
        report('friendsOf-junk', `answered ${answer === undefined ? 'nothing' : typeof answer} instead of an array of user ids`);
      } catch (error) {
        report('friendsOf-junk', `answered a list that throws when read: ${messageOf(error)}`);
      }
      return [];
    },
  };
};
