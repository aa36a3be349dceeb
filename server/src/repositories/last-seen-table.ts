import type { Core } from '@strapi/strapi';
import { dbNowMs } from './db-clock';
import { ensureOwnTable } from './own-table';
import { dialectOf, perStrapi } from './sql';

/**
 * The plugin's own table of when each user last fetched a chat token (`trackLastSeen`; README:
 * "What the plugin adds to your database"). Strapi records no login time of its own.
 */
export const LAST_SEEN_TABLE = 'imbachat_last_seen';

/** A user's time is rewritten at most this often, whichever instance sees them. */
export const LAST_SEEN_EVERY_SECONDS = 300;

export const lastSeenTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    ensure: () =>
      ensureOwnTable(knex(), LAST_SEEN_TABLE, (table) => {
        table.integer('user_id').primary();
        table.bigInteger('seen_at').notNullable();
      }),

    /**
     * Records that the user was seen now, by the database's clock (unix seconds), unless a time less
     * than LAST_SEEN_EVERY_SECONDS older is stored: one statement, and no row changes in between.
     */
    async touch(userId: number) {
      const seconds = `FLOOR(${dbNowMs(strapi)} / 1000)`;
      if (client() === 'mysql') {
        await knex().raw(
          `INSERT INTO ?? (user_id, seen_at) VALUES (?, ${seconds}) ON DUPLICATE KEY UPDATE seen_at = IF(seen_at <= VALUES(seen_at) - ?, VALUES(seen_at), seen_at)`,
          [LAST_SEEN_TABLE, userId, LAST_SEEN_EVERY_SECONDS]
        );
        return;
      }
      await knex().raw(
        `INSERT INTO ?? (user_id, seen_at) VALUES (?, ${seconds}) ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at WHERE ??.seen_at <= excluded.seen_at - ?`,
        [LAST_SEEN_TABLE, userId, LAST_SEEN_TABLE, LAST_SEEN_EVERY_SECONDS]
      );
    },
  };
});

export type LastSeenTable = ReturnType<typeof lastSeenTable>;
