import type { Knex } from 'knex';
import type { IndexSession } from './search-lock';

/**
 * `RENAME TABLE` on MariaDB/MySQL that makes no query wait behind it for more than about `waitMs`:
 * a rename waiting for a table's metadata lock holds up every query that comes after it. MariaDB
 * has `NOWAIT` (it fails at once); MySQL has no such clause and its shortest `lock_wait_timeout` is a
 * second, so a KILL QUERY from another connection ends the wait, and no session variable is changed.
 * Either way a rename that could not wait fails (1205 or 1317), and the caller tries again later.
 */
export const renameWithin = async (knex: Knex, session: IndexSession, renames: string, waitMs: number, nowait: boolean) => {
  if (nowait) {
    await session.raw(`RENAME TABLE ${renames.replace(' TO ', ' NOWAIT TO ')}`);
    return;
  }
  let kill: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    kill = knex.raw('KILL QUERY ?', [session.connection!.threadId!]).catch(() => undefined);
  }, waitMs);
  try {
    await session.raw(`RENAME TABLE ${renames}`);
  } finally {
    clearTimeout(timer);
    // A kill that came just after the rename finished must not stop the session's next statement.
    if (kill) await kill.then(() => session.raw('SELECT 1').catch(() => undefined));
  }
};

/** Whether the server is MariaDB (its RENAME TABLE takes NOWAIT). */
export const isMariaDb = async (session: IndexSession) => {
  const [[{ version }]] = (await session.raw('SELECT VERSION() AS version')) as [[{ version: string }]];
  return /mariadb/i.test(version);
};

/** A rename that gave way: MySQL's lock wait timeout (MariaDB's NOWAIT), or the query killed after the wait. */
export const renameGaveWay = (error: unknown) => [1205, 1317].includes((error as { errno?: number }).errno ?? 0);
