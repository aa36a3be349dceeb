import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../../contract';

/** Which route the batch is for. */
export type ExtendRoute = 'users' | 'search';

/**
 * `config/plugins` → `imbachat.config.extendUsers`: called once per users-by-id and search request
 * with the chat users about to be sent (copies) and the site's `strapi`; answers the batch, each
 * user with whatever the site adds. It sees no settings and no secret.
 */
export type ExtendUsers = (
  users: ChatUser[],
  context: { strapi: Core.Strapi; route: ExtendRoute }
) => ChatUser[] | Promise<ChatUser[]> | unknown;

/** Longer than this, the request is answered without the hook's work (which is let run out). */
export const EXTEND_USERS_TIMEOUT_MS = 3000;

/** An object literal (from any realm: the hook may come from a VM context), not an array, Date or class instance. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
};

/**
 * The hook's answer laid over the users sent: by `user_id`, each at most once. A user the hook
 * leaves out is sent as it was; `user_id` and `name` stay the plugin's. Answers why when the
 * answer is junk (then nothing of it is used).
 */
export const mergeExtension = (users: ChatUser[], answer: unknown): ChatUser[] | string => {
  if (!Array.isArray(answer)) return `${answer === undefined ? 'nothing' : typeof answer} instead of the array of users`;
  const sent = new Map(users.map((user) => [user.user_id, user]));
  const extended = new Map<number, ChatUser>();
  for (const item of answer) {
    if (!isPlainObject(item)) return 'an item that is not a plain object';
    const id = item.user_id;
    if (typeof id !== 'number' || !sent.has(id)) return 'a user that was not in the batch (user_id changed or added)';
    if (extended.has(id)) return `the same user twice`;
    const user = sent.get(id) as ChatUser;
    extended.set(id, { ...item, user_id: user.user_id, name: user.name });
  }
  const merged = users.map((user) => extended.get(user.user_id) ?? user);
  try {
    // What cannot be sent as JSON (a BigInt, a cycle) is junk too: never a 500.
    return JSON.parse(JSON.stringify(merged)) as ChatUser[];
  } catch {
    return 'values that cannot be sent as JSON';
  }
};


/**
 * Runs the site's hook over a batch. A hook that throws, hangs or answers junk is reported (the
 * caller logs it at most once a minute) and the batch is answered without it.
 */
export const runExtension = async (
  hook: ExtendUsers,
  users: ChatUser[],
  context: { strapi: Core.Strapi; route: ExtendRoute },
  report: (problem: string) => void,
  timeoutMs = EXTEND_USERS_TIMEOUT_MS
): Promise<ChatUser[]> => {
  let answer: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    answer = await Promise.race([Promise.resolve().then(() => hook(structuredClone(users), context)), late]);
  } catch (error) {
    report(`failed: ${error instanceof Error ? error.message : String(error)}`);
    return users;
  } finally {
    clearTimeout(timer);
  }
  const merged = mergeExtension(users, answer);
  if (typeof merged === 'string') {
    report(`answered ${merged}`);
    return users;
  }
  return merged;
};
