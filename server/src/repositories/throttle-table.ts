import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { ensureOwnTable } from './own-table';
import type { FailureWindow } from '../utils/failure-windows';

/** The plugin's own table (README: "What the plugin adds to your database"). Strapi leaves tables it never created alone. */
export const THROTTLE_TABLE = 'imbachat_throttle';

/** Keys are stored hashed: no login or address lands in the table, and every key fits one index. */
const rowId = (bucket: string, key: string) => createHash('sha256').update(`${bucket}\0${key}`).digest('hex');

/**
 * Failure counts every instance on the database sees, so N instances behind a load balancer
 * share one budget. Only failures write here; a correct request never reads it.
 */
export const throttleTable = (strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => strapi.db.dialect.client;

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    ensure: () =>
      ensureOwnTable(knex(), THROTTLE_TABLE, (table) => {
        table.string('id', 64).primary();
        table.integer('failures').notNullable();
        table.bigInteger('reset_at').notNullable();
      }),

    /** One more failure, atomically: a new window when the old one ended. Answers the count now. */
    async increment(bucket: string, key: string, windowMs: number, now: number): Promise<FailureWindow> {
      const id = rowId(bucket, key);
      const resetAt = now + windowMs;
      if (client() === 'mysql') {
        // MySQL assigns left to right: `failures` is computed while `reset_at` still holds the old value.
        await knex().raw(
          `INSERT INTO ?? (id, failures, reset_at) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE
             failures = IF(reset_at <= ?, 1, failures + 1), reset_at = IF(reset_at <= ?, VALUES(reset_at), reset_at)`,
          [THROTTLE_TABLE, id, resetAt, now, now]
        );
        const [row] = await knex()(THROTTLE_TABLE).select('failures', 'reset_at').where({ id });
        return { failures: Number(row.failures), resetAt: Number(row.reset_at) };
      }
      const result = await knex().raw(
        `INSERT INTO ?? (id, failures, reset_at) VALUES (?, 1, ?) ON CONFLICT (id) DO UPDATE SET
           failures = CASE WHEN ??.reset_at <= ? THEN 1 ELSE ??.failures + 1 END,
           reset_at = CASE WHEN ??.reset_at <= ? THEN excluded.reset_at ELSE ??.reset_at END
         RETURNING failures, reset_at`,
        [THROTTLE_TABLE, id, resetAt, THROTTLE_TABLE, now, THROTTLE_TABLE, THROTTLE_TABLE, now, THROTTLE_TABLE]
      );
      const [row] = (Array.isArray(result) ? result : result.rows) as { failures: number | string; reset_at: number | string }[];
      return { failures: Number(row.failures), resetAt: Number(row.reset_at) };
    },

    async remove(bucket: string, key: string) {
      await knex()(THROTTLE_TABLE).where({ id: rowId(bucket, key) }).delete();
    },

    /** Drops windows that ended before `now`. */
    async removeExpired(now: number) {
      await knex()(THROTTLE_TABLE).where('reset_at', '<=', now).delete();
    },
  };
};

export type ThrottleTable = ReturnType<typeof throttleTable>;
