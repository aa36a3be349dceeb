import type { Core } from '@strapi/strapi';
import { LAST_SEEN_EVERY_SECONDS, lastSeenTable } from '../repositories/last-seen-table';
import { logEvery } from '../utils/log-every';

/** Users this instance remembers writing for; older entries go first. */
const MAX_REMEMBERED = 100_000;

/**
 * `trackLastSeen`: when a user last fetched a chat token, kept in the plugin's own table and sent
 * to the chat as `lastlogin`. At most one write per user per LAST_SEEN_EVERY_SECONDS, and never on
 * the request's critical path: the token is answered first, the write follows.
 */
const lastSeenService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = lastSeenTable(strapi);
  const report = logEvery((message) => strapi.log.warn(message), 60_000);
  const everyMs = LAST_SEEN_EVERY_SECONDS * 1000;
  /** User id → when this instance last wrote for them, oldest first (each write moves to the end). */
  const written = new Map<number, number>();

  return {
    prepare: () => table.ensure(),

    /** Notes that the user is here now; answers at once, writing later when a write is due. */
    record(userId: number, nowMs = Date.now()): boolean {
      const last = written.get(userId);
      if (last !== undefined && nowMs - last < everyMs) return false;
      written.delete(userId);
      written.set(userId, nowMs);
      for (const [id, at] of written) {
        if (nowMs - at < everyMs && written.size <= MAX_REMEMBERED) break;
        written.delete(id);
      }
      setImmediate(() => {
        table.touch(userId).catch((error: Error) => {
          // Let the next token try again rather than wait out the interval.
          if (written.get(userId) === nowMs) written.delete(userId);
          report('last-seen', `Could not record when a user was last seen (trackLastSeen): ${error.message}`);
        });
      });
      return true;
    },
  };
};

export default lastSeenService;
export type LastSeenService = ReturnType<typeof lastSeenService>;
