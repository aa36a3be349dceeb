import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import type { NameSource } from '../site-user';
import type { IndexSession } from '../repositories/search-lock';
import type { Dialect } from '../repositories/sql';
import type { SourceUser } from '../repositories/search-source';
import type { SearchSource } from '../repositories/site-users';
import type { SearchSwap } from '../repositories/search-swap';
import { indexRows } from './search-rows';

/** Users read and written per batch (PostgreSQL, MySQL: on a connection of the rebuild's own). */
const PAGE_USERS = 1000;
/**
 * SQLite: a batch holds the one connection (and, better-sqlite3 being synchronous, the event loop)
 * while it writes, so its size follows how long the last one took: about SQLITE_BATCH_MS each.
 */
const SQLITE_BATCH_MS = 15;
const SQLITE_PAGE = { first: 200, min: 50, max: 500 };

/** The next SQLite page size, from how long the last batch of `size` users took. */
const nextSqlitePage = (size: number, ms: number) =>
  Math.round(Math.min(SQLITE_PAGE.max, Math.max(SQLITE_PAGE.min, (size * SQLITE_BATCH_MS) / Math.max(ms, 1), size / 2), size * 1.5));

export interface RebuildDeps {
  client: Dialect;
  source: SearchSource;
  swap: SearchSwap;
  /** Builds the page reads (run by the swap on its session). */
  knex: Knex;
  stopIfClosing(): void;
  /** Between two batches, after `busyMs` of work. */
  pause(busyMs: number): Promise<void>;
}

/**
 * Builds the index beside the live one, batch by batch (each its own short transaction, the event
 * loop free between two), and swaps it in. Users written meanwhile are in the live index, not
 * always in this one: the caller checks the whole index right after the swap. False when the swap
 * never got its locks (the next tables are dropped, the live index stays).
 */
export const rebuildBeside = async (deps: RebuildDeps, session: IndexSession, names: NameSource): Promise<{ users: number; swapped: boolean }> => {
  const { source, swap, knex } = deps;
  await swap.clear(session);
  await swap.create(session);
  const grams = new Set<string>();
  let users = 0;
  let size = deps.client === 'sqlite' ? SQLITE_PAGE.first : PAGE_USERS;
  for (let after = 0; ; ) {
    deps.stopIfClosing();
    const started = performance.now();
    const read = source.read(knex, names).where(source.idColumn(), '>', after).orderBy(source.idColumn()).limit(size);
    const page = await swap.put(session, read, (got: SourceUser[]) => indexRows(got, names), grams);
    const busy = performance.now() - started;
    if (page.length === 0) break;
    users += page.length;
    after = Number(page[page.length - 1].id);
    if (deps.client === 'sqlite') size = nextSqlitePage(size, busy);
    await deps.pause(busy);
  }
  deps.stopIfClosing();
  await swap.completeNext(session, grams, deps.pause);
  deps.stopIfClosing();
  const swapped = await swap.swap(session);
  if (!swapped) await swap.clear(session);
  return { users, swapped };
};
