import type { Core } from '@strapi/strapi';
import { ensureOwnTable } from './own-table';
import { dialectOf, perStrapi, rawRows } from './sql';

/** The plugin's own table (README: "What the plugin adds to your database"). */
export const STATUS_TABLE = 'imbachat_status';

/**
 * One remembered call: `id` names what it is (`usersInfo.call`, `usersInfo.success`,
 * `usersInfo.failure`, …, `lastTest`); `atMs` is unix milliseconds on the database's clock.
 */
export interface StatusRow {
  id: string;
  atMs: number;
  status: number;
  ip: string | null;
  reason: string | null;
}

type DbRow = { id: string; at_ms: number | string; http_status: number | string; ip: string | null; reason: string | null };

/**
 * The chat server's last calls as every instance on the database sees them: a handful of rows,
 * each the newest of its kind. Written in batches by the status service, never by a request.
 */
export const statusTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    ensure: () =>
      ensureOwnTable(knex(), STATUS_TABLE, (table) => {
        table.string('id', 32).primary();
        table.bigInteger('at_ms').notNullable();
        table.integer('http_status').notNullable();
        table.string('ip', 64).nullable();
        table.string('reason', 32).nullable();
      }),

    /**
     * Writes these rows in one statement; a row already stored with a later time is kept, so an
     * instance that flushes late never replaces another's newer call with its older one.
     */
    async upsert(rows: StatusRow[]) {
      if (rows.length === 0) return;
      const values = rows.map(() => '(?, ?, ?, ?, ?)').join(', ');
      const bindings = rows.flatMap((row) => [row.id, Math.round(row.atMs), row.status, row.ip, row.reason]);
      if (client() === 'mysql') {
        // MySQL assigns left to right: `at_ms` last, so the others compare with the stored time.
        const newer = 'at_ms < VALUES(at_ms)';
        await knex().raw(
          `INSERT INTO ?? (id, at_ms, http_status, ip, reason) VALUES ${values} ON DUPLICATE KEY UPDATE
             http_status = IF(${newer}, VALUES(http_status), http_status), ip = IF(${newer}, VALUES(ip), ip),
             reason = IF(${newer}, VALUES(reason), reason), at_ms = IF(${newer}, VALUES(at_ms), at_ms)`,
          [STATUS_TABLE, ...bindings]
        );
        return;
      }
      await knex().raw(
        `INSERT INTO ?? (id, at_ms, http_status, ip, reason) VALUES ${values} ON CONFLICT (id) DO UPDATE SET
           at_ms = excluded.at_ms, http_status = excluded.http_status, ip = excluded.ip, reason = excluded.reason
         WHERE ??.at_ms < excluded.at_ms`,
        [STATUS_TABLE, ...bindings, STATUS_TABLE]
      );
    },

    /** Every row (there are at most a few dozen). */
    async all(): Promise<StatusRow[]> {
      const rows = rawRows<DbRow>(strapi, await knex().raw('SELECT id, at_ms, http_status, ip, reason FROM ??', [STATUS_TABLE]));
      return rows.map((row) => ({ id: row.id, atMs: Number(row.at_ms), status: Number(row.http_status), ip: row.ip, reason: row.reason }));
    },
  };
});

export type StatusTable = ReturnType<typeof statusTable>;
