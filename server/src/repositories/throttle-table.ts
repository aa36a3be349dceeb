import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { ensureOwnTable } from './own-table';
import { dbNowMs, rawRows } from './db-clock';

/** The plugin's own table (README: "What the plugin adds to your database"). Strapi leaves tables it never created alone. */
export const THROTTLE_TABLE = 'imbachat_throttle';

/** A failure as the shared table counted it: the window's count, and its time left by the database's clock. */
export interface CountedFailure {
  failures: number;
  remainingMs: number;
}

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

    /**
     * One more failure, atomically: a new window when the old one ended, on the database's clock.
     * Answers the count and how long the window has left (so no instance's own clock is trusted).
     */
    async increment(bucket: string, key: string, windowMs: number): Promise<CountedFailure> {
      const id = rowId(bucket, key);
      const now = dbNowMs(strapi);
      type Row = { failures: number | string; reset_at: number | string; now: number | string };
      let row: Row;
      if (client() === 'mysql') {
        // MySQL assigns left to right: `failures` is computed while `reset_at` still holds the old value.
        await knex().raw(
          `INSERT INTO ?? (id, failures, reset_at) VALUES (?, 1, ${now} + ?) ON DUPLICATE KEY UPDATE
             failures = IF(reset_at <= ${now}, 1, failures + 1), reset_at = IF(reset_at <= ${now}, VALUES(reset_at), reset_at)`,
          [THROTTLE_TABLE, id, windowMs]
        );
        [row] = rawRows<Row>(strapi, await knex().raw(`SELECT failures, reset_at, ${now} AS now FROM ?? WHERE id = ?`, [THROTTLE_TABLE, id]));
      } else {
        [row] = rawRows<Row>(
          strapi,
          await knex().raw(
            `INSERT INTO ?? (id, failures, reset_at) VALUES (?, 1, ${now} + ?) ON CONFLICT (id) DO UPDATE SET
               failures = CASE WHEN ??.reset_at <= ${now} THEN 1 ELSE ??.failures + 1 END,
               reset_at = CASE WHEN ??.reset_at <= ${now} THEN excluded.reset_at ELSE ??.reset_at END
             RETURNING failures, reset_at, ${now} AS now`,
            [THROTTLE_TABLE, id, windowMs, THROTTLE_TABLE, THROTTLE_TABLE, THROTTLE_TABLE, THROTTLE_TABLE]
          )
        );
      }
      return { failures: Number(row.failures), remainingMs: Math.max(0, Number(row.reset_at) - Number(row.now)) };
    },

    async remove(bucket: string, key: string) {
      await knex()(THROTTLE_TABLE).where({ id: rowId(bucket, key) }).delete();
    },

    /** Drops windows that have ended (by the database's clock). */
    async removeExpired() {
      await knex()(THROTTLE_TABLE).whereRaw(`reset_at <= ${dbNowMs(strapi)}`).delete();
    },
  };
};

export type ThrottleTable = ReturnType<typeof throttleTable>;
