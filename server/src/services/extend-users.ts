import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../../contract';
import { EXTEND_USERS_TIMEOUT_MS, type ExtendRoute, type ExtendUsers } from '../config/hooks';
import { guardedHook, hookErrorMessage } from './guarded-hook';

/** An object literal (from any realm: the hook may come from a VM context), not an array, Date or class instance. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
};

/** JavaScript's own word for a value's type: one of eight, whatever the value holds. */
const kindOf = (value: unknown) => typeof value;

/** Why an answer cannot be used: a fixed word of ours (`kind`, what the log limiter keys on) and the words for the log. */
export interface Junk {
  kind: `not-an-array-${'nothing' | ReturnType<typeof kindOf>}` | 'not-a-plain-object' | 'not-in-the-batch' | 'twice' | 'not-json';
  why: string;
}

/**
 * The hook's answer laid over the users sent: by `user_id`, each at most once. A user the hook
 * leaves out is sent as it was; `user_id` and `name` stay the plugin's. Answers why when the
 * answer is junk (then nothing of it is used). Reads the answer, so it may throw (a getter, a
 * Proxy): the caller guards it.
 */
export const mergeExtension = (users: ChatUser[], answer: unknown): ChatUser[] | Junk => {
  if (!Array.isArray(answer)) {
    const what = answer === undefined ? 'nothing' : kindOf(answer);
    return { kind: `not-an-array-${what}`, why: `${what} instead of the array of users` };
  }
  const sent = new Map(users.map((user) => [user.user_id, user]));
  const extended = new Map<number, ChatUser>();
  for (const item of answer) {
    if (!isPlainObject(item)) return { kind: 'not-a-plain-object', why: 'an item that is not a plain object' };
    const id = item.user_id;
    if (typeof id !== 'number' || !sent.has(id)) {
      return { kind: 'not-in-the-batch', why: 'a user that was not in the batch (user_id changed or added)' };
    }
    if (extended.has(id)) return { kind: 'twice', why: 'the same user twice' };
    const user = sent.get(id) as ChatUser;
    extended.set(id, { ...item, user_id: user.user_id, name: user.name });
  }
  const merged = users.map((user) => extended.get(user.user_id) ?? user);
  try {
    // What cannot be sent as JSON (a BigInt, a cycle) is junk too: never a 500.
    return JSON.parse(JSON.stringify(merged)) as ChatUser[];
  } catch {
    return { kind: 'not-json', why: 'values that cannot be sent as JSON' };
  }
};

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
