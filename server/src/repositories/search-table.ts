import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { SearchMode } from '../../../contract';
import { addShortGrams, lookupGrams, pairs, prefixUpperBound, trigrams } from '../utils/search-keys';
import { LIVE, LIVE_NAMES, MYSQL_GRAM_INDEX, indexesDdl, tablesDdl, type IndexTables } from './search-schema';
import { dialectOf, perStrapi, rawRows, selectRows } from './sql';
import { FIELDS_PER_USER, SearchField } from './search-source';

/**
 * The plugin's search index (README: "What the plugin adds to your database"): one row per indexed
 * value of each user who is not blocked, its key folded by the plugin, so every database compares
 * the same bytes and no SQL function of the site is touched.
 *
 * - `imbachat_search` (id, folded, source): id = user id × 4 + field (0 name, 1 username, 2 email),
 *   so a user's rows are found by key and the table reads in user order; `source` is the value as
 *   the users table had it, for the drift check. Index `imbachat_search_folded` on (folded, id)
 *   serves `exact` and `prefix` by seeking (SQLite: or `imbachat_search_folded_b`, see search-swap).
 * - `contains`, three characters or more: PostgreSQL keeps each row's trigrams in a `grams text[]`
 *   column with a GIN index (`imbachat_search_grams`); SQLite in an FTS5 table with its trigram
 *   tokenizer (`imbachat_search_trigrams`, contentless: only the index). MariaDB/MySQL, which have
 *   no trigram index, in a table of the plugin's own (`imbachat_search_gram`: one row per row id
 *   and distinct trigram, with an index on (gram, id)), read from the term's rarest trigram on.
 * - `contains`, one or two characters: `imbachat_search_short` lists every run of one or two
 *   characters some key has held since the last rebuild, so a term nobody has is answered at once;
 *   other short terms read the table in id order until the limit is reached.
 */
export const SEARCH_TABLE = LIVE.search;
const SHORT_TABLE = LIVE.short;
const FTS_TABLE = LIVE.fts;
const GRAM_TABLE = LIVE.grams;

export { SearchField };
const FIELDS = [SearchField.Name, SearchField.Username, SearchField.Email];

export const rowId = (userId: number, field: SearchField) => userId * FIELDS_PER_USER + field;
export const userOf = (rowId: number) => Math.floor(rowId / FIELDS_PER_USER);

export interface SearchRow {
  id: number;
  folded: string;
  /** The value as the users table had it, cut by SQL (searchSource): what the drift check compares. */
  source: string | Buffer;
}

/** Rows per INSERT: well under every database's limit on bound parameters. */
const INSERT_BATCH = 500;
/** MySQL: trigram rows per INSERT (about 20 bytes each). */
const GRAM_INSERT_BATCH = 10_000;
const ARRAY_BATCH = 10_000;
/** Pairs of a long term looked up before PostgreSQL or MySQL look up its trigrams. */
const MAX_PAIRS_CHECKED = 16;
/** PostgreSQL: a trigram in at least this share of the rows is left out of a lookup that has rarer ones. */
const PG_VERY_COMMON_SHARE = 0.05;
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

export const searchTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);
  const rowsOf = <Row = { id: number | string }>(result: unknown) => rawRows<Row>(strapi, result);

  const ids = async (db: Knex, sql: string, bindings: readonly unknown[] = []) =>
    (await selectRows<{ id: number | string }>(strapi, db, sql, bindings)).map((row) => Number(row.id));

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
  /**
   * The trigrams PostgreSQL's GIN index is asked for: the lookup's own but those in at least
   * PG_VERY_COMMON_SHARE of the rows, when some are left (the whole term is checked after). Such a
   * trigram's list of rows is long to read (`ember10000` among 100,000 `member…` users: `emb`,
   * `mbe`, `ber` in every row) and leaves out few of the rarer trigrams' rows; a less common one is
   * kept, as each row it leaves out is a row not fetched from the table.
   */
  const asked = (grams: string[]) => {
    const rarer = grams.filter((gram) => (gramStats.shares.get(gram) ?? 0) < PG_VERY_COMMON_SHARE);
    return rarer.length > 0 ? rarer : grams;
  };

  const addShort = async (db: Knex, grams: Iterable<string>, t: IndexTables = LIVE) => {
    const rows = [...grams].map((gram) => ({ gram }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await db(t.short).insert(rows.slice(i, i + INSERT_BATCH)).onConflict('gram').ignore();
    }
  };

  /**
   * MySQL: each row's distinct trigrams into the trigram table. Written as literals (the id an
   * integer, the trigram's UTF-8 bytes in hex), nothing else: tens of rows a user, so no bindings.
   * In key order (id, then bytes): a rebuild's batch then appends and fills the table's pages.
   */
  const insertGrams = async (db: Knex, rows: SearchRow[], t: IndexTables) => {
    const values: string[] = [];
    for (const row of [...rows].sort((a, b) => a.id - b.id)) {
      if (!Number.isSafeInteger(row.id)) throw new Error(`search row id ${row.id} is not an integer`);
      const hex = trigrams(row.folded).map((gram) => Buffer.from(gram, 'utf8').toString('hex'));
      for (const gram of hex.sort()) values.push(`(${row.id},X'${gram}')`);
    }
    for (let i = 0; i < values.length; i += GRAM_INSERT_BATCH) {
      await db.raw(`INSERT INTO ${t.grams} (id, gram) VALUES ${values.slice(i, i + GRAM_INSERT_BATCH).join(',')}`);
    }
  };

  /** Rows into the table and its contains index, through knex (a transaction of the caller's); their short grams into `grams`. */
  const insertRows = async (db: Knex, rows: SearchRow[], t: IndexTables, grams: Set<string>) => {
    // PostgreSQL takes the rows as array parameters, so a statement can carry many.
    const size = client() === 'postgres' ? ARRAY_BATCH : INSERT_BATCH;
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size);
      if (client() === 'postgres') {
        await db.raw(
          `INSERT INTO ${t.search} (id, folded, grams, source)
           SELECT id, folded, string_to_array(grams, chr(1)), source FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(id, folded, grams, source)`,
          [
            batch.map((row) => row.id),
            batch.map((row) => row.folded),
            batch.map((row) => trigrams(row.folded).join(GRAM_SEPARATOR)),
            batch.map((row) => row.source as string),
          ]
        );
      } else {
        await db(t.search).insert(batch);
        if (client() === 'sqlite') await db(t.fts).insert(batch.map((row) => ({ rowid: row.id, folded: row.folded })));
        else await insertGrams(db, batch, t);
      }
    }
    for (const row of rows) addShortGrams(row.folded, grams);
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

  /**
   * MySQL `contains`, three characters or more: the rows of the term's rarest trigram (by the
   * server's estimates), read in id order through the index on (gram, id), each kept when it also
   * holds a second trigram and its key contains the term (LOCATE), until the limit. A term some
   * trigram of which few rows hold reads about that many; a common one meets its matches early.
   */
  const findOnMysql = async (db: Knex, term: string, lookup: { grams: string[]; exact: boolean }, rows: number, withEmail: boolean) => {
    const byGram = `${GRAM_TABLE} g FORCE INDEX (${MYSQL_GRAM_INDEX})`;
    const fields = fieldFilter(withEmail, 'g.id');
    if (lookup.exact) return ids(db, `SELECT g.id AS id FROM ${byGram} WHERE g.gram = ?${fields} ORDER BY g.id LIMIT ?`, [term, rows]);
    // The server's own estimate of each trigram's rows (two dives into the index, no rows read):
    // exact for a few, about right for many.
    const each = lookup.grams.map(() => `SELECT 1 FROM ${byGram} WHERE g.gram = ?`).join(' UNION ALL ');
    const plan = rowsOf(await db.raw(`EXPLAIN ${each}`, lookup.grams)) as unknown as { id: number | string | null; rows: number | string | null }[];
    const estimate = new Map(plan.filter((row) => row.id !== null).map((row) => [Number(row.id) - 1, Number(row.rows ?? 0)]));
    const byRows = lookup.grams.map((gram, i) => ({ gram, at: term.indexOf(gram), n: estimate.get(i) ?? 0 })).sort((a, b) => a.n - b.n);
    const first = byRows[0];
    // The next rarest that does not overlap it, if any: overlapping trigrams (`577`, `772`) mostly hold the same rows.
    const second = byRows.find((gram) => Math.abs(gram.at - first.at) >= 3) ?? byRows[1];
    // The next rarest's rows are looked up in the same index: a few pages, where the table's own
    // key (id, gram) would read a page per candidate (more than the buffer pool holds, on a large site).
    const also = second ? `JOIN ${GRAM_TABLE} h FORCE INDEX (${MYSQL_GRAM_INDEX}) ON h.gram = ? AND h.id = g.id ` : '';
    return ids(
      db,
      `SELECT STRAIGHT_JOIN g.id AS id FROM ${byGram} ${also}JOIN ${SEARCH_TABLE} s ON s.id = g.id
       WHERE g.gram = ?${fields} AND LOCATE(?, s.folded) > 0 ORDER BY g.id LIMIT ?`,
      [...(second ? [second.gram] : []), first.gram, term, rows]
    );
  };

  return {
    /**
     * Creates the live index's tables that are missing, each with its indexes (never an index alone:
     * a rebuild may have left the live one's under another name). Answers what it made: `all` (an
     * empty index to fill), `part` (a lost table: the index must be built again) or `none`. Instances
     * starting together: the one that loses the race finds the other's tables.
     */
    async ensure(): Promise<'all' | 'part' | 'none'> {
      const c = client();
      const missing: string[] = [];
      const names = { sqlite: [LIVE.search, LIVE.short, LIVE.fts], mysql: [LIVE.search, LIVE.short, LIVE.grams], postgres: [LIVE.search, LIVE.short] }[c];
      for (const name of names) {
        if (!(await knex().schema.hasTable(name))) missing.push(name);
      }
      if (missing.length === 0) return 'none';
      const statements = [...tablesDdl(c, LIVE, LIVE_NAMES), ...indexesDdl(c, LIVE, LIVE_NAMES)];
      const made = statements.filter((sql) => missing.includes(/\b(?:TABLE|ON)\s+(\w+)/.exec(sql)![1]));
      try {
        // MySQL commits around DDL: there each statement goes alone.
        if (c === 'mysql') for (const statement of made) await knex().raw(statement);
        else {
          await knex().transaction(async (trx) => {
            for (const statement of made) await trx.raw(statement);
          });
        }
      } catch (error) {
        if (!/exists|duplicate/i.test((error as Error).message)) throw error;
      }
      return missing.includes(LIVE.search) ? 'all' : 'part';
    },

    /** Replaces the rows of these users (every row of theirs is removed first). */
    async replace(db: Knex, userIds: number[], rows: SearchRow[]) {
      const old = userIds.flatMap((user) => FIELDS.map((field) => rowId(user, field)));
      for (let i = 0; i < old.length; i += INSERT_BATCH) {
        const batch = old.slice(i, i + INSERT_BATCH);
        if (client() === 'sqlite') await db(FTS_TABLE).whereIn('rowid', batch).delete();
        if (client() === 'mysql') await db(GRAM_TABLE).whereIn('id', batch).delete();
        await db(SEARCH_TABLE).whereIn('id', batch).delete();
      }
      const grams = new Set<string>();
      await insertRows(db, rows, LIVE, grams);
      await addShort(db, grams);
    },

    /** Rows into the tables `t` (a rebuild's next ones); their short grams are added to `grams`, for `addShort`. */
    insertRows,
    addShort,

    /** PostgreSQL's trigram statistics are read again (the table was swapped). */
    forgetStats() {
      gramStats = { at: 0, shares: new Map() };
    },

    /**
     * The users whose row for `field` holds exactly this folded key, by a seek on (folded, id): no
     * scan, whatever the table's size.
     */
    async userIdsWithKey(field: SearchField, folded: string): Promise<number[]> {
      const rows = await ids(knex(), `SELECT id FROM ${SEARCH_TABLE} WHERE folded = ? AND id % ${FIELDS_PER_USER} = ? ORDER BY folded, id LIMIT 50`, [folded, field]);
      return rows.map(userOf);
    },

    /**
     * Row ids matching the folded term, best first: `exact` and `prefix` in key order (then user),
     * `contains` in user order. At most `rows` rows: a user may match with more than one field.
     * `current`: whether the live index is of this format (false while the rebuild an upgrade asks for is due).
     */
    async find(term: string, mode: SearchMode, rows: number, withEmail: boolean, current = true): Promise<number[]> {
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
      // MySQL, an index from before its trigram table (`current` false: a rebuild is due), as then.
      if (lookup.short || (client() === 'mysql' && !current)) {
        // Read in id order until the limit: quick when many match, so first make sure someone can.
        if (!(await someKeyMayContain(db, term, lookup.short))) return [];
        return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${contains}${fields} ORDER BY id LIMIT ?`, [term, rows]);
      }
      // PostgreSQL may read the table in id order for a trigram it has no statistics for, which for a
      // term nobody has means reading all of it (MySQL: a trigram's rows): a pair of characters no
      // key has ends it first.
      if (client() !== 'sqlite' && !(await someKeyMayContain(db, term, false))) return [];
      if (client() === 'mysql') return findOnMysql(db, term, lookup, rows, withEmail);
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
        asked(lookup.grams),
        ...checkTerm,
      ]);
      if (found.length < PG_CANDIDATES) return found.sort((a, b) => a - b).slice(0, rows);
      return ids(db, `SELECT id FROM ${SEARCH_TABLE} WHERE ${contains}${fields} ORDER BY id LIMIT ?`, [term, rows]);
    },
  };
});

export type SearchTable = ReturnType<typeof searchTable>;
