import { performance } from 'node:perf_hooks';
import { BUCKET_USERS, type SearchDrift, type SourceRow } from '../repositories/search-drift';
import type { IndexSession } from '../repositories/search-lock';
import type { Dialect } from '../repositories/sql';
import type { SearchSource } from '../repositories/site-users';
import { userOf, type SearchTable } from '../repositories/search-table';
import { rewriteUsers } from './search-rows';
import type { NameSource } from '../site-user';

/** Users per range: SQLite compares the rows themselves, so its ranges are smaller (one query well under 100 ms). */
const RANGE_USERS: Record<Dialect, number> = { sqlite: 1000, postgres: 5000, mysql: 5000 };
/** Users re-indexed per transaction. */
const REPAIR_BATCH = 100;

export interface CheckResult {
  /** Users whose rows differed from what the users table says (renamed, new, deleted, blocked…), each re-indexed. */
  found: number[];
  ranges: number;
  ms: number;
}

export interface CheckDeps {
  client: Dialect;
  source: SearchSource;
  drift: SearchDrift;
  table: SearchTable;
  /** Whether a read FOR SHARE can be asked not to wait (PostgreSQL; MariaDB, whose `LOCK IN SHARE MODE` takes NOWAIT). */
  noWait: boolean;
  /** Throws when the service is closing: the check stops between two ranges. */
  stopIfClosing(): void;
  /** Between two batches, after `busyMs` of work. */
  pause(busyMs: number): Promise<void>;
}

const valueKey = (value: SourceRow['src']) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value));

/** The users whose rows differ between the two sides. */
const differingUsers = (users: SourceRow[], index: SourceRow[]): number[] => {
  const want = new Map(users.map((row) => [Number(row.rid), valueKey(row.src)]));
  const have = new Map(index.map((row) => [Number(row.rid), valueKey(row.src)]));
  const found = new Set<number>();
  for (const [rid, src] of want) if (have.get(rid) !== src) found.add(userOf(rid));
  for (const rid of have.keys()) if (!want.has(rid)) found.add(userOf(rid));
  return [...found].sort((a, b) => a - b);
};

/**
 * The users of (after, upTo] whose rows differ: checksums per bucket of users first, then the rows
 * of the buckets whose checksums differ (SQLite: the rows, compared in SQL).
 */
const rangeDiff = async ({ client, drift }: CheckDeps, session: IndexSession, names: NameSource, after: number, upTo: number | null) => {
  if (client === 'sqlite') {
    const rids = await session.transaction((trx) => drift.differingRows(trx, names, after, upTo));
    return [...new Set(rids.map(userOf))].sort((a, b) => a - b);
  }
  const buckets = await session.transaction((trx) => drift.differingBuckets(trx, names, after, upTo));
  const found: number[] = [];
  for (const bucket of buckets) {
    const from = Math.max(after, bucket * BUCKET_USERS - 1);
    const to = upTo === null ? (bucket + 1) * BUCKET_USERS - 1 : Math.min(upTo, (bucket + 1) * BUCKET_USERS - 1);
    const rows = await session.transaction((trx) => drift.rows(trx, names, from, to));
    found.push(...differingUsers(rows.users, rows.index));
  }
  return found;
};

/** A lock a writer holds: PostgreSQL's lock_not_available, MariaDB's NOWAIT (a lock wait timeout), MySQL's ER_LOCK_NOWAIT. */
const lockBusy = (error: unknown) => {
  const { code, errno } = error as { code?: string; errno?: number };
  return code === '55P03' || errno === 1205 || errno === 3572;
};

/**
 * Indexes these users again, their rows read FOR SHARE: all in one transaction when no writer holds
 * any of them (NOWAIT), else one user a transaction, so the repair never holds a user's lock while it
 * waits for another's (a writer of the first would wait as long). SQLite has one writer: no lock.
 */
const repair = async (deps: CheckDeps, session: IndexSession, users: number[], names: NameSource) => {
  if (deps.client === 'sqlite') {
    await session.transaction((trx) => rewriteUsers(deps, trx, users, names, 'none'));
    return;
  }
  if (deps.noWait && users.length > 1) {
    try {
      await session.transaction((trx) => rewriteUsers(deps, trx, users, names, 'share-nowait'));
      return;
    } catch (error) {
      if (!lockBusy(error)) throw error;
    }
  }
  for (const user of users) await session.transaction((trx) => rewriteUsers(deps, trx, [user], names, 'share'));
};

/**
 * Walks the users table in ranges of ids, compares each range with the index in SQL, and rewrites
 * only the users that differ, through the path a user write's refresh takes (their rows read FOR
 * SHARE). A rename of one user among a million rewrites that user's rows.
 */
export const checkIndex = async (deps: CheckDeps, session: IndexSession, names: NameSource): Promise<CheckResult> => {
  const started = Date.now();
  const found: number[] = [];
  let ranges = 0;
  for (let after = 0; ; ) {
    deps.stopIfClosing();
    let busy = performance.now();
    const upTo = await session.transaction((trx) => deps.source.rangeEnd(trx, after, RANGE_USERS[deps.client]));
    const differing = await rangeDiff(deps, session, names, after, upTo);
    await deps.pause(performance.now() - busy);
    for (let i = 0; i < differing.length; i += REPAIR_BATCH) {
      const batch = differing.slice(i, i + REPAIR_BATCH);
      busy = performance.now();
      await repair(deps, session, batch, names);
      found.push(...batch);
      await deps.pause(performance.now() - busy);
    }
    ranges += 1;
    if (upTo === null) break;
    after = upTo;
  }
  return { found, ranges, ms: Date.now() - started };
};
