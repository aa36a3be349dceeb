import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { SearchMode } from '../../../contract';
import { addShortGrams, lookupGrams, pairs, prefixUpperBound, trigrams } from '../utils/search-keys';

/**
 * The plugin's search index (README: "What the plugin adds to your database"): one row per indexed
 * value of each user who is not blocked, its key folded by the plugin, so every database compares
 * the same bytes and no SQL function of the site is touched.
 *
 * - `imbachat_search` (id, folded): id = user id × 4 + field (0 name, 1 username, 2 email), so a
 *   user's rows are found by key and the table reads in user order. Index `imbachat_search_folded`
 *   on (folded, id) serves `exact` and `prefix` by seeking.
 * - `contains`, three characters or more: PostgreSQL keeps each row's trigrams in a `grams text[]`
 *   column with a GIN index (`imbachat_search_grams`); SQLite in an FTS5 table with its trigram
 *   tokenizer (`imbachat_search_trigrams`, contentless: only the index). MariaDB/MySQL have no such
 *   index: there the table is read in id order until the limit is reached.
 * - `contains`, one or two characters: `imbachat_search_short` lists every run of one or two
 *   characters some key has held since the last rebuild, so a term nobody has is answered at once;
 *   other short terms read the table in id order until the limit is reached.
 */
export const SEARCH_TABLE = 'imbachat_search';
const SHORT_TABLE = 'imbachat_search_short';
const FOLDED_INDEX = 'imbachat_search_folded';
const GRAMS_INDEX = 'imbachat_search_grams';
const FTS_TABLE = 'imbachat_search_trigrams';

export enum SearchField {
  Name = 0,
  Username = 1,
  Email = 2,
}
const FIELDS_PER_USER = 4;
const FIELDS = [SearchField.Name, SearchField.Username, SearchField.Email];

export const rowId = (userId: number, field: SearchField) => userId * FIELDS_PER_USER + field;
export const userOf = (rowId: number) => Math.floor(rowId / FIELDS_PER_USER);

export interface SearchRow {
  id: number;
  folded: string;
}

/** Rows per INSERT: well under every database's limit on bound parameters. */
const INSERT_BATCH = 500;
const ARRAY_BATCH = 10_000;
/** Pairs of a long term looked up before MariaDB reads its table for it. */
const MAX_PAIRS_CHECKED = 16;
/** Rows PostgreSQL reads in id order before it asks its trigram index, for a common term (see find). */
const PG_EARLY_ROWS = 4000;
/** A term whose every trigram is in at least this share of the rows counts as common (see find). */
const PG_COMMON_SHARE = 0.01;
/** How long PostgreSQL's trigram statistics are used before they are read again. */
const PG_STATS_MS = 10 * 60_000;
/** Rows a PostgreSQL trigram lookup may fetch before the term counts as common (see find). */
const PG_CANDIDATES = 2000;
/** Never part of a folded key (control characters are dropped), so it can join trigrams into one value. */
const GRAM_SEPARATOR = '\u0001';

type Client = 'sqlite' | 'postgres' | 'mysql';
type SqliteStatement = { run(...values: unknown[]): unknown };
type SqliteConnection = { prepare(sql: string): SqliteStatement; transaction(work: () => void): () => void };

export const searchTable = (strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => strapi.db.dialect.client as Client;

  const rowsOf = (result: unknown): { id: number | string }[] =>
    (Array.isArray(result) ? (client() === 'mysql' ? result[0] : result) : (result as { rows: [] }).rows) as {
      id: number | string;
    }[];

  const ids = async (db: Knex, sql: string, bindings: readonly unknown[] = []) =>
    rowsOf(await db.raw(sql, bindings as Knex.RawBinding[])).map((row) => Number(row.id));

  /**
   * PostgreSQL's own count of the commonest trigrams (ANALYZE's most common elements of `grams`,
   * up to 10,000 with the column's statistics target): trigram → share of rows. Read at most every
   * PG_STATS_MS; empty until the table has been analyzed (then every term counts as rare).
   */
  let gramStats: { at: number; shares: Map<string, number>; reading?: Promise<void> } = { at: 0, shares: new Map() };
  const readGramStats = async () => {
    const result = await knex().raw(
      `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
       WHERE schemaname = current_schema() AND tablename = ? AND attname = 'grams'`,
      [SEARCH_TABLE]
    );
    const [row] = rowsOf(result) as unknown as { elems: string[] | null; freqs: number[] | null }[];
    const shares = new Map<string, number>();
    (row?.elems ?? []).forEach((gram, i) => shares.set(gram, Number(row?.freqs?.[i] ?? 0)));
    gramStats = { at: Date.now(), shares };
  };
  /** Whether each trigram of the term is common enough that the term's rows are met early in id order. */
  const looksCommon = async (grams: string[]) => {
    if (Date.now() - gramStats.at > PG_STATS_MS) {
      gramStats.reading ??= readGramStats().finally(() => {
        gramStats.reading = undefined;
      });
      // The first time, wait for it; afterwards the old figures serve while new ones are read.
      if (gramStats.at === 0) await gramStats.reading.catch(() => undefined);
      else gramStats.reading.catch(() => undefined);
    }
    return grams.every((gram) => (gramStats.shares.get(gram) ?? 0) >= PG_COMMON_SHARE);
  };

  const ddl: Record<Client, string[]> = {
    sqlite: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id INTEGER PRIMARY KEY, folded TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${FOLDED_INDEX} ON ${SEARCH_TABLE} (folded, id)`,
      `CREATE TABLE IF NOT EXISTS ${SHORT_TABLE} (gram TEXT PRIMARY KEY)`,
      `CREATE VIRTUAL TABLE IF NOT EXISTS ${FTS_TABLE} USING fts5(folded, tokenize='trigram case_sensitive 1', content='', contentless_delete=1, detail=none)`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id BIGINT PRIMARY KEY, folded VARCHAR(255) COLLATE "C" NOT NULL, grams TEXT[] NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${FOLDED_INDEX} ON ${SEARCH_TABLE} (folded, id)`,
      `CREATE INDEX IF NOT EXISTS ${GRAMS_INDEX} ON ${SEARCH_TABLE} USING gin (grams)`,
      // A long list of common trigrams in the statistics: a rare one is then estimated as rare, and
      // looked up in the GIN index rather than by reading the table in id order.
      `ALTER TABLE ${SEARCH_TABLE} ALTER COLUMN grams SET STATISTICS 1000`,
      `CREATE TABLE IF NOT EXISTS ${SHORT_TABLE} (gram VARCHAR(2) COLLATE "C" PRIMARY KEY)`,
    ],
    // Bytes, not text: a binary comparison with no trailing-space padding and no collation.
    mysql: [
      `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (id BIGINT PRIMARY KEY, folded VARBINARY(1020) NOT NULL, INDEX ${FOLDED_INDEX} (folded, id))`,
      `CREATE TABLE IF NOT EXISTS ${SHORT_TABLE} (gram VARBINARY(8) PRIMARY KEY)`,
    ],
  };

  const addShort = async (db: Knex, grams: Iterable<string>) => {
    const rows = [...grams].map((gram) => ({ gram }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await db(SHORT_TABLE).insert(rows.slice(i, i + INSERT_BATCH)).onConflict('gram').ignore();
    }
  };

  /** Rows into the table and its contains index, through knex (a transaction of the caller's). */
  const insert = async (db: Knex, rows: SearchRow[]) => {
    // PostgreSQL takes the rows as three array parameters, so a statement can carry many.
    const size = client() === 'postgres' ? ARRAY_BATCH : INSERT_BATCH;
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size);
      if (client() === 'postgres') {
        await db.raw(
          `INSERT INTO ${SEARCH_TABLE} (id, folded, grams)
           SELECT id, folded, string_to_array(grams, chr(1)) FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(id, folded, grams)`,
          [batch.map((row) => row.id), batch.map((row) => row.folded), batch.map((row) => trigrams(row.folded).join(GRAM_SEPARATOR))]
        );
      } else {
        await db(SEARCH_TABLE).insert(batch);
        if (client() === 'sqlite') await db(FTS_TABLE).insert(batch.map((row) => ({ rowid: row.id, folded: row.folded })));
      }
    }
    const short = new Set<string>();
    for (const row of rows) addShortGrams(row.folded, short);
    await addShort(db, short);
  };

  /**
   * False when no key can contain the term: a short term is not among the runs keys have held, or a
   * longer one has a pair of characters no key has held (at most MAX_PAIRS_CHECKED pairs are asked).
   */
  const someKeyMayContain = async (db: Knex, term: string, short: boolean) => {
    const grams = short ? [term] : pairs(term).slice(0, MAX_PAIRS_CHECKED);
    const [{ count }] = await db(SHORT_TABLE).whereIn('gram', grams).count({ count: '*' });
    return Number(count) === grams.length;
  };

  /** The ids of rows whose field is not email, when emails are not to be matched. */
  const fieldFilter = (withEmail: boolean, column = 'id') =>
    withEmail ? '' : ` AND ${column} % ${FIELDS_PER_USER} <> ${SearchField.Email}`;

  return {
    /** Creates what is missing; every statement is idempotent, so instances may start together. */
    async ensure() {
      for (const statement of ddl[client()]) {
        try {
          await knex().raw(statement);
        } catch (error) {
          // Two instances starting at once: the other one created it first.
          if (!/exists|duplicate/i.test((error as Error).message)) throw error;
        }
      }
    },

    /** Replaces the rows of these users (every row of theirs is removed first). */
    async replace(db: Knex, userIds: number[], rows: SearchRow[]) {
      const old = userIds.flatMap((user) => FIELDS.map((field) => rowId(user, field)));
      for (let i = 0; i < old.length; i += INSERT_BATCH) {
        const batch = old.slice(i, i + INSERT_BATCH);
        if (client() === 'sqlite') await db(FTS_TABLE).whereIn('rowid', batch).delete();
        await db(SEARCH_TABLE).whereIn('id', batch).delete();
      }
      await insert(db, rows);
    },

    /**
     * Replaces the whole index with `pages` of rows, in one transaction. On SQLite this runs on
     * better-sqlite3's own handle with prepared statements (a million users in seconds, not minutes).
     */
    async rebuild(pages: (db: Knex) => AsyncGenerator<SearchRow[]>) {
      if (client() === 'sqlite') {
        // Read everything first (knex needs the one connection), then write it in one synchronous transaction.
        const all: SearchRow[][] = [];
        for await (const page of pages(knex())) all.push(page);
        const connection = (await knex().client.acquireConnection()) as SqliteConnection;
        try {
          const put = connection.prepare(`INSERT INTO ${SEARCH_TABLE} (id, folded) VALUES (?, ?)`);
          const index = connection.prepare(`INSERT INTO ${FTS_TABLE} (rowid, folded) VALUES (?, ?)`);
          const short = connection.prepare(`INSERT OR IGNORE INTO ${SHORT_TABLE} (gram) VALUES (?)`);
          connection.transaction(() => {
            for (const table of [FTS_TABLE, SEARCH_TABLE, SHORT_TABLE]) connection.prepare(`DELETE FROM ${table}`).run();
            const grams = new Set<string>();
            for (const page of all) {
              for (const row of page) {
                put.run(row.id, row.folded);
                index.run(row.id, row.folded);
                addShortGrams(row.folded, grams);
              }
            }
            for (const gram of grams) short.run(gram);
          })();
        } finally {
          await knex().client.releaseConnection(connection);
        }
        return;
      }
      await knex().transaction(async (trx) => {
        // Instances starting together on one database rebuild one after the other.
        if (client() === 'postgres') await trx.raw("SELECT pg_advisory_xact_lock(hashtext('imbachat_search'))");
        await trx(SEARCH_TABLE).delete();
        await trx(SHORT_TABLE).delete();
        // PostgreSQL builds an index over loaded rows far faster than it grows one row by row.
        if (client() === 'postgres') {
          await trx.raw(`DROP INDEX IF EXISTS ${GRAMS_INDEX}`);
          await trx.raw(`DROP INDEX IF EXISTS ${FOLDED_INDEX}`);
        }
        for await (const page of pages(trx)) await insert(trx, page);
        if (client() === 'postgres') {
          // For this transaction only: room to sort the index in memory.
          await trx.raw("SET LOCAL maintenance_work_mem = '256MB'");
          for (const statement of ddl.postgres.filter((sql) => sql.startsWith('CREATE INDEX'))) await trx.raw(statement);
        }
      });
      if (client() === 'postgres') {
        // The table was just written whole: vacuumed now (its visibility map set, its statistics
        // fresh), autovacuum has nothing to do in the middle of the first searches.
        await knex().raw(`VACUUM (ANALYZE) ${SEARCH_TABLE}`);
        gramStats = { at: 0, shares: new Map() };
      }
    },

    /** How many users the index holds (each indexed user has exactly one username row). */
    async userCount(): Promise<number> {
      const [{ count }] = await knex()(SEARCH_TABLE)
        .whereRaw(`id % ${FIELDS_PER_USER} = ${SearchField.Username}`)
        .count({ count: '*' });
      return Number(count);
    },

    /**
     * Row ids matching the folded term, best first: `exact` and `prefix` in key order (then user),
     * `contains` in user order. At most `rows` rows: a user may match with more than one field.
     */
    async find(term: string, mode: SearchMode, rows: number, withEmail: boolean): Promise<number[]> {
      const db = knex();
      const fields = fieldFilter(withEmail);
      if (mode === 'exact') {
        return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE folded = ?${fields} ORDER BY folded, id LIMIT ?`, [term, rows]);
      }
      if (mode === 'prefix') {
        const upper = prefixUpperBound(term);
        const range = upper === null ? 'folded >= ?' : 'folded >= ? AND folded < ?';
        const bounds = upper === null ? [term] : [term, upper];
        return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${range}${fields} ORDER BY folded, id LIMIT ?`, [...bounds, rows]);
      }
      const lookup = lookupGrams(term);
      const contains = client() === 'postgres' ? 'strpos(folded, ?) > 0' : client() === 'sqlite' ? 'instr(folded, ?) > 0' : 'LOCATE(?, folded) > 0';
      if (lookup.short || client() === 'mysql') {
        // Read in id order until the limit: quick when many match, so first make sure someone can.
        if (!(await someKeyMayContain(db, term, lookup.short))) return [];
        return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${contains}${fields} ORDER BY id LIMIT ?`, [term, rows]);
      }
      // PostgreSQL may read the table in id order for a trigram it has no statistics for, which for a
      // term nobody has means reading all of it: a pair of characters no key has ends it first.
      if (client() === 'postgres' && !(await someKeyMayContain(db, term, false))) return [];
      const check = lookup.exact ? '' : ` AND ${contains}`;
      const checkTerm = lookup.exact ? [] : [term];
      if (client() === 'sqlite') {
        const match = lookup.grams.map((gram) => `"${gram.replace(/"/g, '""')}"`).join(' AND ');
        if (lookup.exact) {
          return ids(db, `SELECT rowid AS id FROM ${FTS_TABLE} WHERE ${FTS_TABLE} MATCH ?${fieldFilter(withEmail, 'rowid')} ORDER BY rowid LIMIT ?`, [
            match,
            rows,
          ]);
        }
        return ids(
          db,
          `SELECT s.id AS id FROM ${FTS_TABLE} CROSS JOIN ${SEARCH_TABLE} s ON s.id = ${FTS_TABLE}.rowid
           WHERE ${FTS_TABLE} MATCH ?${check.replace('folded', 's.folded')}${fieldFilter(withEmail, 's.id')} ORDER BY ${FTS_TABLE}.rowid LIMIT ?`,
          [match, ...checkTerm, rows]
        );
      }
      // PostgreSQL takes a term's trigrams as independent, so it thinks a common name fragment rare,
      // and its GIN index answers only unordered: asked for a fragment thousands of keys hold, it
      // reads them all. A term whose every trigram is common (by PostgreSQL's own statistics) is met
      // within the first rows in id order, so those are read first (PG_EARLY_ROWS, about a
      // millisecond). Other terms, and common ones not met there, ask the index, which then has few
      // rows to give (at most PG_CANDIDATES are fetched; past that the term is common after all,
      // and the table read on in id order meets `rows` matches soon).
      if (await looksCommon(lookup.grams)) {
        const early = await ids(
          db,
          `SELECT id FROM (SELECT id, folded FROM ${SEARCH_TABLE} ORDER BY id LIMIT ${PG_EARLY_ROWS}) s WHERE ${contains}${fields} ORDER BY id LIMIT ?`,
          [term, rows]
        );
        if (early.length === rows) return early;
      }
      const found = await ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE grams @> ?::text[]${check}${fields} LIMIT ${PG_CANDIDATES}`, [
        lookup.grams,
        ...checkTerm,
      ]);
      if (found.length < PG_CANDIDATES) return found.sort((a, b) => a - b).slice(0, rows);
      return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${contains}${fields} ORDER BY id LIMIT ?`, [term, rows]);
    },
  };
};

export type SearchTable = ReturnType<typeof searchTable>;
