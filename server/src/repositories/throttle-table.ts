import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { ensureOwnColumns, ensureOwnTable } from './own-table';
import { dbNowMs } from './db-clock';
import { dialectOf, perStrapi, rawRows } from './sql';

/** The plugin's own table (README: "What the plugin adds to your database"). Strapi leaves tables it never created alone. */
export const THROTTLE_TABLE = 'imbachat_throttle';

/** A failure as the shared table counted it: the window's count, and its time left by the database's clock. */
export interface CountedFailure {
  failures: number;
  remainingMs: number;
}

/** A window that has reached its limit, as the admin's status lists it (times on the database's clock). */
export interface LockoutRow {
  id: string;
  bucket: string;
  subject: string;
  failures: number;
  resetAt: number;
  now: number;
}

/** The longest subject kept: an address, or an account's name and id. */
export const SUBJECT_MAX_LENGTH = 255;

/**
 * Keys are stored hashed: no login or address lands in the table while it is only counting, and
 * every key fits one index. A window that reaches its limit gets a readable `subject` (and its
 * `bucket`), so the admin can see who is locked out and end it; a new window clears them.
 */
export const throttleRowId = (bucket: string, key: string) => createHash('sha256').update(`${bucket}\0${key}`).digest('hex');
const rowId = throttleRowId;

/**
 * Failure counts every instance on the database sees, so N instances behind a load balancer
 * share one budget. Only failures write here; a correct request never reads it.
 */
export const throttleTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    async ensure() {
      await ensureOwnTable(knex(), THROTTLE_TABLE, (table) => {
        table.string('id', 64).primary();
        table.integer('failures').notNullable();
        table.bigInteger('reset_at').notNullable();
        table.string('bucket', 16).nullable();
        table.string('subject', SUBJECT_MAX_LENGTH).nullable();
      });
      // Sites that ran an earlier version have the table without them.
      await ensureOwnColumns(knex(), THROTTLE_TABLE, {
        bucket: (table) => table.string('bucket', 16).nullable(),
        subject: (table) => table.string('subject', SUBJECT_MAX_LENGTH).nullable(),
      });
    },

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
             failures = IF(reset_at <= ${now}, 1, failures + 1),
             bucket = IF(reset_at <= ${now}, NULL, bucket), subject = IF(reset_at <= ${now}, NULL, subject),
             reset_at = IF(reset_at <= ${now}, VALUES(reset_at), reset_at)`,
          [THROTTLE_TABLE, id, windowMs]
        );
        [row] = rawRows<Row>(strapi, await knex().raw(`SELECT failures, reset_at, ${now} AS now FROM ?? WHERE id = ?`, [THROTTLE_TABLE, id]));
      } else {
        [row] = rawRows<Row>(
          strapi,
          await knex().raw(
            `INSERT INTO ?? (id, failures, reset_at) VALUES (?, 1, ${now} + ?) ON CONFLICT (id) DO UPDATE SET
               failures = CASE WHEN ??.reset_at <= ${now} THEN 1 ELSE ??.failures + 1 END,
               bucket = CASE WHEN ??.reset_at <= ${now} THEN NULL ELSE ??.bucket END,
               subject = CASE WHEN ??.reset_at <= ${now} THEN NULL ELSE ??.subject END,
               reset_at = CASE WHEN ??.reset_at <= ${now} THEN excluded.reset_at ELSE ??.reset_at END
             RETURNING failures, reset_at, ${now} AS now`,
            [THROTTLE_TABLE, id, windowMs, ...Array(8).fill(THROTTLE_TABLE)]
          )
        );
      }
      return { failures: Number(row.failures), remainingMs: Math.max(0, Number(row.reset_at) - Number(row.now)) };
    },

    async remove(bucket: string, key: string) {
      await knex()(THROTTLE_TABLE).where({ id: rowId(bucket, key) }).delete();
    },

    /** The key's window as the table has it now, or null when it has none (or it ended). */
    async read(bucket: string, key: string): Promise<CountedFailure | null> {
      type Row = { failures: number | string; reset_at: number | string; now: number | string };
      const [row] = rawRows<Row>(
        strapi,
        await knex().raw(`SELECT failures, reset_at, ${dbNowMs(strapi)} AS now FROM ?? WHERE id = ?`, [THROTTLE_TABLE, rowId(bucket, key)])
      );
      if (!row || Number(row.reset_at) <= Number(row.now)) return null;
      return { failures: Number(row.failures), remainingMs: Number(row.reset_at) - Number(row.now) };
    },

    /** Names the key's window for the admin: called once its count reached the limit. */
    async markLocked(bucket: string, key: string, subject: string) {
      await knex()(THROTTLE_TABLE).where({ id: rowId(bucket, key) }).update({ bucket, subject: subject.slice(0, SUBJECT_MAX_LENGTH) });
    },

    /** Windows that reached a limit and have not ended, newest end first (at most `limit`). */
    async lockouts(limit: number): Promise<LockoutRow[]> {
      type Row = { id: string; bucket: string; subject: string; failures: number | string; reset_at: number | string; now: number | string };
      const now = dbNowMs(strapi);
      const rows = rawRows<Row>(
        strapi,
        await knex().raw(
          `SELECT id, bucket, subject, failures, reset_at, ${now} AS now FROM ?? WHERE subject IS NOT NULL AND reset_at > ${now} ORDER BY reset_at DESC LIMIT ?`,
          [THROTTLE_TABLE, limit]
        )
      );
      return rows.map((row) => ({
        id: row.id,
        bucket: row.bucket,
        subject: row.subject,
        failures: Number(row.failures),
        resetAt: Number(row.reset_at),
        now: Number(row.now),
      }));
    },

    /** Ends a window that has not ended yet, by its row id; answers its bucket, or null when there was none. */
    async removeLive(id: string): Promise<string | null> {
      return knex().transaction(async (trx) => {
        const row = (await trx(THROTTLE_TABLE)
          .select('bucket')
          .where({ id })
          .andWhereRaw(`reset_at > ${dbNowMs(strapi)}`)
          .first()) as { bucket: string | null } | undefined;
        if (!row) return null;
        await trx(THROTTLE_TABLE).where({ id }).delete();
        return row.bucket ?? '';
      });
    },

    /** Drops windows that have ended (by the database's clock). */
    async removeExpired() {
      await knex()(THROTTLE_TABLE).whereRaw(`reset_at <= ${dbNowMs(strapi)}`).delete();
    },
  };
});

export type ThrottleTable = ReturnType<typeof throttleTable>;
