/**
 * The search index's tables as each database makes them (README: "What the plugin adds to your
 * database"), for the live index and for the one a rebuild fills beside it (`next`) and swaps in.
 */
import type { Dialect } from './sql';

export interface IndexTables {
  /** One row per indexed value: id = user id × 4 + field, the folded key, the value as the users table had it. */
  search: string;
  /** The runs of one or two characters keys hold. */
  short: string;
  /** SQLite's FTS5 trigram index over `search.folded`. */
  fts: string;
  /** MySQL/MariaDB: each row's distinct trigrams, one row per (row id, trigram), for `contains`. */
  grams: string;
}

export const LIVE: IndexTables = { search: 'imbachat_search', short: 'imbachat_search_short', fts: 'imbachat_search_trigrams', grams: 'imbachat_search_gram' };
export const NEXT: IndexTables = { search: 'imbachat_search_next', short: 'imbachat_search_short_next', fts: 'imbachat_search_trigrams_next', grams: 'imbachat_search_gram_next' };
/** Where the live tables go during a swap, dropped right after it. */
export const OLD: IndexTables = { search: 'imbachat_search_old', short: 'imbachat_search_short_old', fts: 'imbachat_search_trigrams_old', grams: 'imbachat_search_gram_old' };

/** Index and key names. PostgreSQL's and SQLite's are schema-wide, so the next tables' differ from the live ones'. */
export interface IndexNames {
  pkey: string;
  shortPkey: string;
  folded: string;
  grams: string;
}
export const LIVE_NAMES: IndexNames = {
  pkey: 'imbachat_search_pkey',
  shortPkey: 'imbachat_search_short_pkey',
  folded: 'imbachat_search_folded',
  grams: 'imbachat_search_grams',
};
export const NEXT_NAMES: IndexNames = {
  pkey: 'imbachat_search_next_pkey',
  shortPkey: 'imbachat_search_short_next_pkey',
  folded: 'imbachat_search_next_folded',
  grams: 'imbachat_search_next_grams',
};
/** MySQL: the index on (gram, id) of the trigram table (MySQL's index names are the table's own). */
export const MYSQL_GRAM_INDEX = 'imbachat_search_gram_gram';
/** SQLite cannot rename an index: a next table's takes whichever of these its live twin does not hold. */
export const SQLITE_FOLDED_NAMES = ['imbachat_search_folded', 'imbachat_search_folded_b'];

/** Characters of each value kept in `source`, cut the same way in SQL when the users table is compared. */
export const SOURCE_CHARS = 1000;

/** The tables, without the secondary indexes a rebuild builds once the rows are in (PostgreSQL, MySQL). */
export const tablesDdl = (client: Dialect, t: IndexTables, n: IndexNames): string[] => {
  if (client === 'postgres') {
    return [
      `CREATE TABLE ${t.search} (id BIGINT NOT NULL, folded VARCHAR(255) COLLATE "C" NOT NULL, grams TEXT[] NOT NULL,
        source TEXT COLLATE "C" NOT NULL, CONSTRAINT ${n.pkey} PRIMARY KEY (id))`,
      // A long list of common trigrams in the statistics: a rare one is then estimated as rare, and
      // looked up in the GIN index rather than by reading the table in id order.
      `ALTER TABLE ${t.search} ALTER COLUMN grams SET STATISTICS 1000`,
      `CREATE TABLE ${t.short} (gram VARCHAR(2) COLLATE "C" NOT NULL, CONSTRAINT ${n.shortPkey} PRIMARY KEY (gram))`,
    ];
  }
  if (client === 'mysql') {
    // Bytes, not text: a binary comparison with no trailing-space padding and no collation.
    return [
      `CREATE TABLE ${t.search} (id BIGINT PRIMARY KEY, folded VARBINARY(1020) NOT NULL, source VARBINARY(${SOURCE_CHARS * 4}) NOT NULL)`,
      `CREATE TABLE ${t.short} (gram VARBINARY(8) PRIMARY KEY)`,
      // Written in id order (a rebuild appends; a user's rows go by key); read by trigram through
      // the index on (gram, id) a rebuild adds once the rows are in.
      `CREATE TABLE ${t.grams} (id BIGINT NOT NULL, gram VARBINARY(12) NOT NULL, PRIMARY KEY (id, gram))`,
    ];
  }
  // SQLite grows its index with the rows: building it afterwards would hold the one connection too long.
  return [
    `CREATE TABLE ${t.search} (id INTEGER PRIMARY KEY, folded TEXT NOT NULL, source TEXT NOT NULL)`,
    `CREATE INDEX ${n.folded} ON ${t.search} (folded, id)`,
    `CREATE TABLE ${t.short} (gram TEXT PRIMARY KEY)`,
    `CREATE VIRTUAL TABLE ${t.fts} USING fts5(folded, tokenize='trigram case_sensitive 1', content='', contentless_delete=1, detail=none)`,
  ];
};

/** The secondary indexes of PostgreSQL and MySQL (MySQL's names are the table's own: the same for next). */
export const indexesDdl = (client: Dialect, t: IndexTables, n: IndexNames): string[] => {
  if (client === 'postgres') {
    return [`CREATE INDEX ${n.folded} ON ${t.search} (folded, id)`, `CREATE INDEX ${n.grams} ON ${t.search} USING gin (grams)`];
  }
  if (client === 'mysql') {
    return [`ALTER TABLE ${t.search} ADD INDEX ${LIVE_NAMES.folded} (folded, id)`, `ALTER TABLE ${t.grams} ADD INDEX ${MYSQL_GRAM_INDEX} (gram, id)`];
  }
  return [];
};
