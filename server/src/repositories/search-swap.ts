import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { addShortGrams } from '../utils/search-keys';
import { isMariaDb, renameGaveWay, renameWithin } from './mysql-rename';
import type { IndexSession } from './search-lock';
import {
  LIVE,
  LIVE_NAMES,
  NEXT,
  NEXT_NAMES,
  OLD,
  SQLITE_FOLDED_NAMES,
  indexesDdl,
  tablesDdl,
  type IndexNames,
} from './search-schema';
import { searchTable, type SearchRow } from './search-table';
import { announce, dialectOf, perStrapi, withConnection, type SqliteConnection, type SqliteStatement } from './sql';

/** A swap that cannot take its locks within LOCK_WAIT_MS gives way and tries again after a pause. */
const LOCK_WAIT_MS = 50;
const SWAP_TRIES = 40;
const SWAP_PAUSE_MS = 150;
/** Short grams written per statement at the end of a fill. */
const GRAMS_BATCH = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A rebuild's tables: made beside the live index (`imbachat_search_next` and its twins), filled in
 * short statements while searches and writes go on against the live one, then swapped in by
 * renaming, in a statement or transaction that waits at most LOCK_WAIT_MS for its locks (and tries
 * again) so that nothing queues behind it for long.
 */
export const searchSwap = perStrapi((strapi: Core.Strapi) => {
  const table = searchTable(strapi);
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);
  let mariaDb: boolean | undefined;
  /** SQLite: the next folded index's name, free while the live table holds the other one. */
  let nextNames: IndexNames = NEXT_NAMES;

  /**
   * SQLite: runs `work` on better-sqlite3's own handle, in one transaction, then gives the connection
   * back. Each statement is announced as knex announces its own (Strapi's query log, `query` listeners).
   */
  const onSqlite = <T>(work: (prepare: (sql: string) => SqliteStatement) => T): Promise<T> =>
    withConnection<SqliteConnection, T>(strapi, (connection) => {
      const prepare = (sql: string) => {
        announce(strapi, sql);
        return connection.prepare(sql);
      };
      let result!: T;
      connection.transaction(() => {
        result = work(prepare);
      })();
      return result;
    });
  const run = async (session: IndexSession, statements: string[]) => {
    for (const statement of statements) await session.raw(statement);
  };

  /**
   * PostgreSQL's index names are schema-wide: the swapped-in table's indexes keep their next names
   * until the old table is dropped, then take the canonical ones (a swap cut short right between is
   * settled by the next rebuild). `ALTER INDEX … RENAME` does not wait for searches.
   */
  const settlePgNames = async (session: IndexSession) => {
    for (const key of Object.keys(LIVE_NAMES) as (keyof IndexNames)[]) {
      const { rows } = (await session.raw('SELECT to_regclass(?) IS NOT NULL AS next, to_regclass(?) IS NOT NULL AS live', [NEXT_NAMES[key], LIVE_NAMES[key]])) as {
        rows: { next: boolean; live: boolean }[];
      };
      if (rows[0].next && !rows[0].live) await session.raw(`ALTER INDEX ${NEXT_NAMES[key]} RENAME TO ${LIVE_NAMES[key]}`);
    }
  };

  const tablesOf = (t: typeof LIVE) => {
    const c = client();
    return c === 'sqlite' ? [t.fts, t.short, t.search] : c === 'mysql' ? [t.grams, t.short, t.search] : [t.short, t.search];
  };

  // PostgreSQL's lock_not_available, or a MySQL rename that gave way.
  const isLockTimeout = (error: unknown) => (error as { code?: string }).code === '55P03' || renameGaveWay(error);

  const swapOnce = async (session: IndexSession) => {
    const c = client();
    if (c === 'postgres') {
      await session.transaction(async (trx) => {
        await trx.raw(`SET LOCAL lock_timeout = '${LOCK_WAIT_MS}ms'`);
        // Both at once, in the order a user write's refresh takes them.
        await trx.raw(`LOCK TABLE ${LIVE.search}, ${LIVE.short} IN ACCESS EXCLUSIVE MODE`);
        await trx.raw(`ALTER TABLE ${LIVE.search} RENAME TO ${OLD.search}`);
        await trx.raw(`ALTER TABLE ${LIVE.short} RENAME TO ${OLD.short}`);
        await trx.raw(`ALTER TABLE ${NEXT.search} RENAME TO ${LIVE.search}`);
        await trx.raw(`ALTER TABLE ${NEXT.short} RENAME TO ${LIVE.short}`);
      });
      // After the swap, so that nothing waits on the drop: the old tables, then their index names free.
      await run(session, [`DROP TABLE ${OLD.search}, ${OLD.short}`]);
      await settlePgNames(session);
      return;
    }
    if (c === 'mysql') {
      mariaDb ??= await isMariaDb(session);
      await renameWithin(
        knex(),
        session,
        tablesOf(LIVE)
          .map((live, i) => `${live} TO ${tablesOf(OLD)[i]}, ${tablesOf(NEXT)[i]} TO ${live}`)
          .join(', '),
        LOCK_WAIT_MS,
        mariaDb
      );
      await run(session, [`DROP TABLE ${tablesOf(OLD).join(', ')}`]);
      return;
    }
    const [live, next, old] = [tablesOf(LIVE), tablesOf(NEXT), tablesOf(OLD)];
    await onSqlite((prepare) => {
      live.forEach((name, i) => {
        prepare(`ALTER TABLE ${name} RENAME TO ${old[i]}`).run();
        prepare(`ALTER TABLE ${next[i]} RENAME TO ${name}`).run();
      });
    });
    // One table a statement: each frees its pages while other queries wait between them.
    for (const name of old) await onSqlite((prepare) => prepare(`DROP TABLE ${name}`).run());
  };

  return {
    /** Drops what a rebuild that did not finish left behind (the caller holds the lock). */
    async clear(session: IndexSession) {
      for (const name of [...tablesOf(NEXT), ...tablesOf(OLD)]) await run(session, [`DROP TABLE IF EXISTS ${name}`]);
      if (client() === 'postgres') await settlePgNames(session);
    },

    /** Makes the empty next tables (SQLite: with their index, under the name the live table does not use). */
    async create(session: IndexSession) {
      if (client() === 'sqlite') {
        const used = await onSqlite(
          (prepare) => prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(LIVE.search) as { name: string }[]
        );
        const folded = SQLITE_FOLDED_NAMES.find((name) => !used.some((index) => index.name === name))!;
        nextNames = { ...NEXT_NAMES, folded };
      }
      await run(session, tablesDdl(client(), NEXT, nextNames));
    },

    /**
     * One batch: reads a page of users (`read`), makes their rows (`rowsOf`) and writes them into the
     * next tables; their short grams go to `grams`. Answers the users read. SQLite: read and write in
     * one short transaction on the connection, taken once (the site's queries wait for it once a batch).
     */
    async put<User>(session: IndexSession, read: Knex.QueryBuilder, rowsOf: (users: User[]) => SearchRow[], grams: Set<string>): Promise<User[]> {
      if (client() !== 'sqlite') {
        const users = (await session.transaction((trx) => read.transacting(trx))) as User[];
        await session.transaction((trx) => table.insertRows(trx, rowsOf(users), NEXT, grams));
        return users;
      }
      const { sql, bindings } = read.toSQL().toNative();
      const rows: SearchRow[] = [];
      const users = await onSqlite((prepare) => {
        const page = prepare(sql).all(...bindings) as User[];
        rows.push(...rowsOf(page));
        const put = prepare(`INSERT INTO ${NEXT.search} (id, folded, source) VALUES (?, ?, ?)`);
        const index = prepare(`INSERT INTO ${NEXT.fts} (rowid, folded) VALUES (?, ?)`);
        for (const row of rows) {
          put.run(row.id, row.folded, row.source);
          index.run(row.id, row.folded);
        }
        return page;
      });
      for (const row of rows) addShortGrams(row.folded, grams);
      return users;
    },

    /** The short grams, then the secondary indexes over the loaded rows (PostgreSQL: and its statistics). */
    async completeNext(session: IndexSession, grams: Set<string>, pause: (busyMs: number) => Promise<void>) {
      const all = [...grams];
      for (let i = 0; i < all.length; i += GRAMS_BATCH) {
        const started = Date.now();
        await session.transaction((trx) => table.addShort(trx, all.slice(i, i + GRAMS_BATCH), NEXT));
        await pause(Date.now() - started);
      }
      const indexes = indexesDdl(client(), NEXT, nextNames);
      if (client() === 'mysql') await run(session, indexes);
      if (client() !== 'postgres') return;
      await session.transaction(async (trx) => {
        // For this transaction only: room to sort the index in memory.
        await trx.raw("SET LOCAL maintenance_work_mem = '256MB'");
        for (const statement of indexes) await trx.raw(statement);
      });
      // Vacuumed now (visibility map set, statistics fresh): searches plan well from the swap on.
      await session.raw(`VACUUM (ANALYZE) ${NEXT.search}`);
    },

    /** Puts the next tables in the live ones' place and drops the old ones; false when the locks never came. */
    async swap(session: IndexSession): Promise<boolean> {
      for (let attempt = 1; attempt <= SWAP_TRIES; attempt += 1) {
        try {
          await swapOnce(session);
          table.forgetStats();
          return true;
        } catch (error) {
          if (!isLockTimeout(error)) throw error;
          await sleep(SWAP_PAUSE_MS * (0.5 + Math.random()));
        }
      }
      return false;
    },
  };
});

export type SearchSwap = ReturnType<typeof searchSwap>;
