import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { SearchMode } from '../../../contract';
import { gramToken, grams, lookupGrams, prefixUpperBound } from '../utils/search-keys';

/**
 * The plugin's search index (README: "What the plugin adds to your database"): one row per indexed
 * value of each user who is not blocked, its key folded by the plugin, so every database compares
 * the same bytes and no SQL function of the site is touched.
 *
 * - `imbachat_search` (id, folded): id = user id × 4 + field (0 name, 1 username, 2 email), so a
 *   user's rows are found by key and the table reads in user order. Index `imbachat_search_folded`
 *   on (folded, id) serves `exact` and `prefix` by seeking.
 * - `contains`: PostgreSQL keeps each row's grams (its runs of 1–3 characters) in a `grams text[]`
 *   column with a GIN index; SQLite keeps them in an FTS5 table `imbachat_search_grams` (contentless:
 *   it holds only the index). MariaDB/MySQL have no such index: `contains` reads the table in id
 *   order and stops at the limit.
 */
export const SEARCH_TABLE = 'imbachat_search';
const FOLDED_INDEX = 'imbachat_search_folded';
const GRAMS_INDEX = 'imbachat_search_grams';
const FTS_TABLE = 'imbachat_search_grams';

export enum SearchField {
  Name = 0,
  Username = 1,
  Email = 2,
}
const FIELDS_PER_USER = 4;

export const rowId = (userId: number, field: SearchField) => userId * FIELDS_PER_USER + field;
export const userOf = (rowId: number) => Math.floor(rowId / FIELDS_PER_USER);

export interface SearchRow {
  id: number;
  folded: string;
}

/** Rows per INSERT: well under every database's limit on bound parameters. */
const INSERT_BATCH = 500;

export const searchTable = (strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => strapi.db.dialect.client as 'sqlite' | 'postgres' | 'mysql';

  const rowsOf = (result: unknown): { id: number | string }[] =>
    (Array.isArray(result) ? (client() === 'mysql' ? result[0] : result) : (result as { rows: [] }).rows) as {
      id: number | string;
    }[];

  const raw = async (db: Knex, sql: string, bindings: readonly unknown[] = []) =>
    rowsOf(await db.raw(sql, bindings as Knex.RawBinding[])).map((row) => Number(row.id));

  const ddl: Record<ReturnType<typeof client>, string[]> = {
    sqlite: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id INTEGER PRIMARY KEY, folded TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${FOLDED_INDEX} ON ${SEARCH_TABLE} (folded, id)`,
      // Grams are written as words of [0-9a-z], which the default tokenizer keeps whole.
      `CREATE VIRTUAL TABLE IF NOT EXISTS ${FTS_TABLE} USING fts5(grams, content='', contentless_delete=1, detail=none)`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id BIGINT PRIMARY KEY, folded VARCHAR(255) COLLATE "C" NOT NULL, grams TEXT[] NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${FOLDED_INDEX} ON ${SEARCH_TABLE} (folded, id)`,
      `CREATE INDEX IF NOT EXISTS ${GRAMS_INDEX} ON ${SEARCH_TABLE} USING gin (grams)`,
    ],
    // Bytes, not text: a binary comparison with no trailing-space padding and no collation.
    mysql: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id BIGINT PRIMARY KEY, folded VARBINARY(1020) NOT NULL, INDEX ${FOLDED_INDEX} (folded, id))`,
    ],
  };

  const insert = async (db: Knex, rows: SearchRow[]) => {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      if (client() === 'postgres') {
        await db(SEARCH_TABLE).insert(batch.map((row) => ({ ...row, grams: grams(row.folded) })));
        continue;
      }
      await db(SEARCH_TABLE).insert(batch);
      if (client() === 'sqlite') {
        await db(FTS_TABLE).insert(batch.map((row) => ({ rowid: row.id, grams: grams(row.folded).map(gramToken).join(' ') })));
      }
    }
  };

  /** The ids of rows whose field is not email, when emails are not to be matched. */
  const fieldFilter = (withEmail: boolean) => (withEmail ? '' : ` AND id % ${FIELDS_PER_USER} <> ${SearchField.Email}`);

  return {
    /** Creates what is missing; every statement is idempotent, so instances may start together. */
    async ensure() {
      for (const statement of ddl[client()]) {
        try {
          await knex().raw(statement);
        } catch (error) {
          // Two instances starting at once on MariaDB: the other one created it first.
          if (!(client() === 'mysql' && /exists/i.test((error as Error).message))) throw error;
        }
      }
    },

    /** Replaces the rows of these users (every row of theirs is removed first). */
    async replace(db: Knex, userIds: number[], rows: SearchRow[]) {
      if (userIds.length > 0) {
        const ids = userIds.flatMap((user) => [SearchField.Name, SearchField.Username, SearchField.Email].map((f) => rowId(user, f)));
        for (let i = 0; i < ids.length; i += INSERT_BATCH) {
          const batch = ids.slice(i, i + INSERT_BATCH);
          if (client() === 'sqlite') await db(FTS_TABLE).whereIn('rowid', batch).delete();
          await db(SEARCH_TABLE).whereIn('id', batch).delete();
        }
      }
      await insert(db, rows);
    },

    /** Empties the index (inside the rebuild's transaction). */
    async clear(db: Knex) {
      if (client() === 'sqlite') await db.raw(`DELETE FROM ${FTS_TABLE}`);
      await db(SEARCH_TABLE).delete();
    },

    insert,

    /** How many users the index holds (each indexed user has exactly one username row). */
    async userCount(): Promise<number> {
      const [{ count }] = await knex()(SEARCH_TABLE)
        .whereRaw(`id % ${FIELDS_PER_USER} = ${SearchField.Username}`)
        .count({ count: '*' });
      return Number(count);
    },

    /** After a rebuild: PostgreSQL plans GIN lookups against the gram statistics. */
    async analyze() {
      if (client() === 'postgres') await knex().raw(`ANALYZE ${SEARCH_TABLE}`);
    },

    /**
     * Row ids matching the folded term, best first: `exact` and `prefix` in key order (then user),
     * `contains` in user order. At most `rows` rows: a user may match with more than one field.
     */
    async find(term: string, mode: SearchMode, rows: number, withEmail: boolean): Promise<number[]> {
      const db = knex();
      const fields = fieldFilter(withEmail);
      if (mode === 'exact') {
        return raw(db, `SELECT id FROM ${SEARCH_TABLE} WHERE folded = ?${fields} ORDER BY folded, id LIMIT ?`, [term, rows]);
      }
      if (mode === 'prefix') {
        const upper = prefixUpperBound(term);
        const range = upper === null ? 'folded >= ?' : 'folded >= ? AND folded < ?';
        const bounds = upper === null ? [term] : [term, upper];
        return raw(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${range}${fields} ORDER BY folded, id LIMIT ?`, [...bounds, rows]);
      }
      const lookup = lookupGrams(term);
      if (client() === 'sqlite') {
        const match = lookup.grams.map((gram) => `"${gramToken(gram)}"`).join(' AND ');
        if (lookup.exact) {
          return raw(db, `SELECT rowid AS id FROM ${FTS_TABLE} WHERE ${FTS_TABLE} MATCH ?${fields.replace('id %', 'rowid %')} ORDER BY rowid LIMIT ?`, [
            match,
            rows,
          ]);
        }
        return raw(
          db,
          `SELECT s.id AS id FROM ${FTS_TABLE} g CROSS JOIN ${SEARCH_TABLE} s ON s.id = g.rowid
           WHERE g.${FTS_TABLE} MATCH ? AND instr(s.folded, ?) > 0${fields.replace('id %', 's.id %')} ORDER BY g.rowid LIMIT ?`,
          [match, term, rows]
        );
      }
      if (client() === 'postgres') {
        const check = lookup.exact ? '' : ' AND strpos(folded, ?) > 0';
        return raw(db, `SELECT id FROM ${SEARCH_TABLE} WHERE grams @> ?::text[]${check}${fields} ORDER BY id LIMIT ?`, [
          lookup.grams,
          ...(lookup.exact ? [] : [term]),
          rows,
        ]);
      }
      return raw(db, `SELECT id FROM ${SEARCH_TABLE} WHERE LOCATE(?, folded) > 0${fields} ORDER BY id LIMIT ?`, [term, rows]);
    },
  };
};

export type SearchTable = ReturnType<typeof searchTable>;
