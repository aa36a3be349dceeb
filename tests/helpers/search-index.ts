import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';

// For the search index's tests: its service as they call it, and many site users at once, written
// with bulk SQL as bench/search.js seeds them (no lifecycle runs: the index does not see them until a
// rebuild or a check).
const USER_UID = 'plugin::users-permissions.user';
const GIVEN = ['Ada', 'Björn', 'Chloé', 'Dmitri', 'Eun-ji', 'Fatima', 'Grace', 'Hiro', 'Ingrid', 'José', 'Kwame', 'Lena'];
const FAMILY = ['Okafor', 'Müller', 'Nakamura', 'Silva', 'Kowalski', 'Haddad', 'Novak', 'Andersen', 'García', 'Ivanova'];

export interface CheckResult {
  found: number[];
  ranges: number;
  ms: number;
}
export interface RebuildResult {
  users: number;
  ms: number;
  skipped?: boolean;
  check: CheckResult;
}
export interface SearchIndex {
  idle(): Promise<void>;
  check(): Promise<CheckResult>;
  rebuild(): Promise<RebuildResult>;
  userIdsByEmail(address: string): Promise<number[]>;
}
export const searchIndexOf = (strapi: Core.Strapi) => strapi.plugin('imbachat').service('searchIndex') as SearchIndex;

type Meta = { tableName: string; attributes: Record<string, { columnName?: string }> };
type Sqlite = { prepare(sql: string): { run(...values: unknown[]): unknown }; transaction(work: () => void): () => void };

/** The values a seeded user `n` of `prefix` has: every 97th is blocked. */
export const seededUser = (prefix: string, n: number) => ({
  username: `${prefix}${n}`,
  email: `${prefix}${n}@example.test`,
  displayName: `${GIVEN[n % GIVEN.length]} ${FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length]} ${prefix}${n}`,
  blocked: n % 97 === 0,
});

/** Writes `count` users named `${prefix}0…`, straight into the users table; answers their ids in order. */
export const seedUsers = async (strapi: Core.Strapi, count: number, prefix: string): Promise<number[]> => {
  const knex = strapi.db.connection;
  const meta = strapi.db.metadata.get(USER_UID) as unknown as Meta;
  const col = (name: string) => meta.attributes[name]?.columnName ?? name;
  const now = new Date();
  const rowAt = (n: number) => {
    const user = seededUser(prefix, n);
    return {
      [col('documentId')]: crypto.randomBytes(12).toString('hex'),
      [col('username')]: user.username,
      [col('email')]: user.email,
      [col('displayName')]: user.displayName,
      [col('provider')]: 'local',
      [col('confirmed')]: true,
      [col('blocked')]: user.blocked,
      [col('createdAt')]: now,
      [col('updatedAt')]: now,
    };
  };
  const columns = Object.keys(rowAt(0));
  const client = strapi.db.dialect.client;
  if (client === 'sqlite') {
    // One prepared statement in one transaction on better-sqlite3's own handle.
    const connection = (await knex.client.acquireConnection()) as Sqlite;
    try {
      const insert = connection.prepare(`INSERT INTO ${meta.tableName} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      connection.transaction(() => {
        for (let n = 0; n < count; n += 1) {
          const row = rowAt(n);
          insert.run(columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : row[c] instanceof Date ? (row[c] as Date).getTime() : row[c])));
        }
      })();
    } finally {
      await knex.client.releaseConnection(connection);
    }
  } else if (client === 'postgres') {
    // Column by column as arrays, unpacked by unnest().
    const cast = (value: unknown) => (typeof value === 'boolean' ? 'boolean' : value instanceof Date ? 'timestamptz' : 'text');
    const types = columns.map((c) => cast(rowAt(0)[c]));
    for (let start = 0; start < count; start += 10_000) {
      const rows = Array.from({ length: Math.min(count, start + 10_000) - start }, (_, i) => rowAt(start + i));
      await knex.raw(`INSERT INTO ?? (${columns.map(() => '??').join(', ')}) SELECT * FROM unnest(${types.map((t) => `?::${t}[]`).join(', ')})`, [
        meta.tableName,
        ...columns,
        ...columns.map((c) => rows.map((row) => row[c])),
      ] as never);
    }
  } else {
    for (let start = 0; start < count; start += 2000) {
      await knex(meta.tableName).insert(Array.from({ length: Math.min(count, start + 2000) - start }, (_, i) => rowAt(start + i)));
    }
  }
  const rows = (await knex(meta.tableName).select({ id: col('id') }).where(col('username'), 'like', `${prefix}%`).orderBy(col('id'))) as { id: number }[];
  return rows.map((row) => Number(row.id));
};

/** The users table's name and column names, for plain SQL. */
export const usersTable = (strapi: Core.Strapi) => {
  const meta = strapi.db.metadata.get(USER_UID) as unknown as Meta;
  return { name: meta.tableName, col: (attribute: string) => meta.attributes[attribute]?.columnName ?? attribute };
};
