import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { NameSource } from '../site-user';
import { LIVE } from './search-schema';
import { dialectOf, perStrapi, rawRows } from './sql';
import { FIELDS_PER_USER } from './search-source';
import { searchSource } from './site-users';

/** Users per checksum: a range whose checksums differ reads the rows of its differing buckets only. */
export const BUCKET_USERS = 100;

/** One indexed value: its row id and its source (bytes on MySQL). */
export interface SourceRow {
  rid: number | string;
  src: string | Buffer;
}

/**
 * The drift check's SQL: the rows the users table says the index should hold (searchSource) beside
 * the rows it holds, for the users in (after, upTo] (upTo null: every user after `after`, and any
 * index row past the last user). No SQL function is added: PostgreSQL and MySQL hash with their own
 * MD5, SQLite (which has none) compares the two sides row by row.
 */
export const searchDrift = perStrapi((strapi: Core.Strapi) => {
  const source = searchSource(strapi);
  const client = () => dialectOf(strapi);

  const rowsOf = <Row>(result: unknown) => rawRows<Row>(strapi, result);

  /** The index's rows of those users. */
  const indexSide = (after: number, upTo: number | null) => ({
    sql: `SELECT id AS rid, source AS src FROM ${LIVE.search} WHERE id >= ?${upTo === null ? '' : ' AND id < ?'}`,
    bindings: upTo === null ? [(after + 1) * FIELDS_PER_USER] : [(after + 1) * FIELDS_PER_USER, (upTo + 1) * FIELDS_PER_USER],
  });

  /** Per bucket of BUCKET_USERS users: row count and a sum (PostgreSQL) or XOR (MySQL) of each row's MD5, as one text. */
  const checksums = (side: string, rows: string) => {
    const bucket = `${client() === 'postgres' ? 's.rid / ' : 's.rid DIV '}${FIELDS_PER_USER * BUCKET_USERS}`;
    const sum =
      client() === 'postgres'
        ? `count(*)::text || ':' || sum(('x' || left(md5(s.rid::text || ':' || s.src), 15))::bit(60)::bigint)::text`
        : `CONCAT(COUNT(*), ':', CAST(BIT_XOR(CAST(CONV(LEFT(MD5(CONCAT(s.rid, ':', s.src)), 16), 16, 10) AS UNSIGNED)) AS CHAR))`;
    return `SELECT '${side}' AS side, ${bucket} AS bucket, ${sum} AS sum FROM (${rows}) s GROUP BY ${bucket}`;
  };

  return {
    /**
     * PostgreSQL, MySQL: the buckets (user id ÷ BUCKET_USERS) whose checksums differ between the two
     * sides, from one statement: only their rows are then read.
     */
    async differingBuckets(db: Knex, names: NameSource, after: number, upTo: number | null): Promise<number[]> {
      const users = source.rangeRows(names, after, upTo);
      const index = indexSide(after, upTo);
      const rows = rowsOf<{ side: string; bucket: number | string; sum: string }>(
        await db.raw(`${checksums('u', users.sql)} UNION ALL ${checksums('i', index.sql)}`, [...users.bindings, ...index.bindings])
      );
      const sums = new Map<number, string[]>();
      for (const row of rows) {
        const bucket = Number(row.bucket);
        if (!sums.has(bucket)) sums.set(bucket, ['', '']);
        sums.get(bucket)![row.side === 'u' ? 0 : 1] = String(row.sum);
      }
      return [...sums].filter(([, [u, i]]) => u !== i).map(([bucket]) => bucket);
    },

    /** PostgreSQL, MySQL: both sides' rows, to compare when the checksums differ. */
    async rows(db: Knex, names: NameSource, after: number, upTo: number | null): Promise<{ users: SourceRow[]; index: SourceRow[] }> {
      const users = source.rangeRows(names, after, upTo);
      const index = indexSide(after, upTo);
      return {
        users: rowsOf<SourceRow>(await db.raw(users.sql, users.bindings)),
        index: rowsOf<SourceRow>(await db.raw(index.sql, index.bindings)),
      };
    },

    /** SQLite: the row ids either side holds and the other does not hold the same. */
    async differingRows(db: Knex, names: NameSource, after: number, upTo: number | null): Promise<number[]> {
      const users = source.rangeRows(names, after, upTo);
      const index = indexSide(after, upTo);
      const result = await db.raw(
        `WITH u AS (${users.sql}), s AS (${index.sql})
         SELECT rid FROM (SELECT rid, src FROM u EXCEPT SELECT rid, src FROM s)
         UNION SELECT rid FROM (SELECT rid, src FROM s EXCEPT SELECT rid, src FROM u)`,
        [...users.bindings, ...index.bindings]
      );
      return rowsOf<{ rid: number }>(result).map((row) => Number(row.rid));
    },
  };
});

export type SearchDrift = ReturnType<typeof searchDrift>;
