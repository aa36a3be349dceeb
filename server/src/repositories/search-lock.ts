import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { dialectOf, type DriverConnection, perStrapi, rawRows, withConnection } from './sql';

/**
 * What a holder of the index's lock works through. PostgreSQL and MySQL: the one connection the lock
 * is held on, taken from knex's pool for the whole rebuild or check (the rest of the pool serves the
 * site). SQLite: knex's one connection, taken for each short transaction only.
 */
export interface IndexSession {
  /** A short transaction of its own (MySQL: READ COMMITTED, so its deletes lock no gaps). */
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** One statement in no transaction (DDL: MySQL commits a transaction around it; PostgreSQL's VACUUM). */
  raw(sql: string, bindings?: Knex.RawBinding[]): Promise<unknown>;
  /** The held connection (PostgreSQL, MySQL). */
  connection?: DriverConnection;
}

/** PostgreSQL's advisory lock key: 'imba', 'srch'. Advisory locks are per database. */
const PG_KEY = [0x696d6261, 0x73726368];
/** MySQL's named locks are server-wide: the database's name is part of this one. */
const MYSQL_NAME = "CONCAT('imbachat.search.', MD5(DATABASE()))";
/** How often a waiting instance asks for the lock again, and for how long at most. */
const POLL_MS = 250;
const MAX_WAIT_MS = 30 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One instance at a time rebuilds or checks the index: PostgreSQL's `pg_try_advisory_lock`, MySQL's
 * `GET_LOCK(name, 0)`, held by the session of one connection (a crash frees it with the connection).
 * SQLite runs in one process, whose service runs one such job at a time.
 */
export const searchLock = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);

  const sessionOn = (connection: DriverConnection): IndexSession => ({
    connection,
    raw: (sql, bindings = []) => knex().raw(sql, bindings).connection(connection) as unknown as Promise<unknown>,
    transaction: (work) =>
      knex().transaction(work, { connection, ...(client() === 'mysql' ? { isolationLevel: 'read committed' as const } : {}) }) as Promise<never>,
  });
  const first = (result: unknown) => rawRows<Record<string, unknown>>(strapi, result)[0];

  const tryLock = async (session: IndexSession) => {
    const sql =
      client() === 'postgres' ? 'SELECT pg_try_advisory_lock(?, ?) AS ok' : `SELECT GET_LOCK(${MYSQL_NAME}, 0) AS ok`;
    const row = first(await session.raw(sql, client() === 'postgres' ? PG_KEY : []));
    return row.ok === true || Number(row.ok) === 1;
  };
  const unlock = async (session: IndexSession) => {
    const sql = client() === 'postgres' ? 'SELECT pg_advisory_unlock(?, ?) AS ok' : `SELECT RELEASE_LOCK(${MYSQL_NAME}) AS ok`;
    await session.raw(sql, client() === 'postgres' ? PG_KEY : []);
  };

  return {
    /**
     * Runs `work` holding the lock. When another instance holds it: `wait` asks again until it is
     * free (or `stopped()`), otherwise answers `{ held: false }` at once.
     */
    async hold<T>(work: (session: IndexSession) => Promise<T>, wait: boolean, stopped: () => boolean): Promise<{ held: true; value: T } | { held: false }> {
      if (client() === 'sqlite') {
        const session: IndexSession = { transaction: (run) => knex().transaction(run) as Promise<never>, raw: (sql, bindings = []) => knex().raw(sql, bindings) as unknown as Promise<unknown> };
        return { held: true, value: await work(session) };
      }
      const started = Date.now();
      for (;;) {
        const outcome = await withConnection<DriverConnection, { held: true; value: T } | null>(strapi, async (connection) => {
          const session = sessionOn(connection);
          let held = false;
          try {
            held = await tryLock(session);
            return held ? { held: true, value: await work(session) } : null;
          } finally {
            // A session that cannot say unlock is closed: the lock goes with it.
            if (held) await unlock(session).catch(() => (connection.end ?? connection.destroy)?.call(connection));
          }
        });
        if (outcome) return outcome;
        if (!wait || stopped()) return { held: false };
        if (Date.now() - started > MAX_WAIT_MS) throw new Error('another instance has held the search index lock for 30 minutes');
        await sleep(POLL_MS);
      }
    },
  };
});

export type SearchLock = ReturnType<typeof searchLock>;
