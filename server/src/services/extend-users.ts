import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../../contract';
import { EXTEND_USERS_TIMEOUT_MS, mergeExtension, type ExtendRoute, type ExtendUsers } from '../utils/extend-users';

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

const LATE = Symbol('late');

/** The hook's error in a line of the log; reading it may throw too (a Proxy, a getter). */
const messageOf = (error: unknown) => {
  try {
    return (error instanceof Error ? error.message : String(error)).slice(0, 300);
  } catch {
    return 'an error that cannot be read';
  }
};

/**
 * Runs the site's `extendUsers` hook over batches, one runner per Strapi instance (the users
 * service makes it). A hook that throws, hangs, answers junk or an answer that throws when read is
 * reported and the batch is answered without it; at most `limit` calls run at once, the calls a
 * timeout gave up on included, so a hung dependency cannot pile them up.
 */
export const extensionRunner = (report: ExtensionReport, timeoutMs = EXTEND_USERS_TIMEOUT_MS) => {
  let inFlight = 0;
  const settled = () => {
    inFlight -= 1;
  };

  const call = async (hook: ExtendUsers, users: ChatUser[], context: { strapi: Core.Strapi; route: ExtendRoute }) => {
    inFlight += 1;
    const running = Promise.resolve().then(() => hook(structuredClone(users), context));
    // Counted until it really settles, whatever the request does meanwhile.
    running.then(settled, settled);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), timeoutMs);
    });
    try {
      return await Promise.race([running, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    /** Hook calls started and not settled yet (those a timeout gave up on included). */
    inFlight: () => inFlight,

    async run(hook: ExtendUsers, users: ChatUser[], context: { strapi: Core.Strapi; route: ExtendRoute }, limit: number) {
      if (inFlight >= limit) {
        report('extendUsers-busy', `was not called: ${inFlight} calls are still running (extendUsersConcurrency: ${limit})`);
        return users;
      }
      let answer: unknown;
      try {
        answer = await call(hook, users, context);
      } catch (error) {
        report('extendUsers-failed', `failed: ${messageOf(error)}`);
        return users;
      }
      if (answer === LATE) {
        report('extendUsers-timeout', `took longer than ${timeoutMs} ms`);
        return users;
      }
      try {
        const merged = mergeExtension(users, answer);
        if (Array.isArray(merged)) return merged;
        report(`extendUsers-junk-${merged.kind}`, `answered ${merged.why}`);
      } catch (error) {
        report('extendUsers-unreadable', `answered users that throw when read: ${messageOf(error)}`);
      }
      return users;
    },
  };
};

export type ExtensionRunner = ReturnType<typeof extensionRunner>;
