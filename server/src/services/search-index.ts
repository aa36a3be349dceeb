import type { Core } from '@strapi/strapi';
import type { SearchMode, Settings } from '../../../contract';
import { USER_UID } from '../constants';
import { searchDrift } from '../repositories/search-drift';
import { isMariaDb } from '../repositories/mysql-rename';
import { searchLock, type IndexSession } from '../repositories/search-lock';
import { dialectOf, type Dialect } from '../repositories/sql';
import { searchSource, siteUsers } from '../repositories/site-users';
import { searchSwap } from '../repositories/search-swap';
import { SearchField, searchTable, userOf } from '../repositories/search-table';
import { getService } from './get-service';
import { fold } from '../utils/search-keys';
import { checkIndex, type CheckResult } from './search-check';
import { rebuildBeside } from './search-rebuild';
import { rewriteUsers } from './search-rows';
import type { NameSource } from '../site-user';

/**
 * Bumped when what the index holds changes shape: a site whose index is older rebuilds it (beside
 * the live one). MySQL's is one more: its trigram table came after format 2.
 */
const INDEX_FORMAT = 2;
const formatOf = (client: Dialect) => (client === 'mysql' ? INDEX_FORMAT + 1 : INDEX_FORMAT);
/** How often the index is compared with the users table, by one instance of the site. */
const CHECK_EVERY_MS = 10 * 60_000;
/** SQLite: the pause between two batches of a rebuild or check while the site runs no statement. */
const SQLITE_IDLE_PAUSE_MS = 3;
/** The soonest a timer asks again, and the spread that keeps instances from asking together. */
const MIN_TICK_MS = 60_000;
const TICK_JITTER_MS = 10_000;

/**
 * What the core-store row says of the index: what it was built for, and its checks (every rebuild
 * ends with one): how many began, the number of the last one done, when that one began.
 */
interface Signature {
  format: number;
  nameField: string;
  /** The name template it was built for ('' or missing: none). */
  nameTemplate?: string;
  checks?: number;
  checked?: number;
  checkedAt?: number;
}
type LifecycleEvent = {
  action: string;
  params: { where?: unknown; _q?: unknown; filters?: unknown };
  result?: { id?: number; ids?: (number | string)[]; count?: number } | null;
  state: { ids?: number[] };
};
export interface RebuildResult {
  users: number;
  ms: number;
  /** Another instance checked or rebuilt it for the same name field after this call: nothing was done. */
  skipped?: boolean;
  /** The check right after the swap: users written while the index was built, mended. */
  check?: CheckResult;
}

/** A job stopped between two batches because Strapi is shutting down. */
class Abandoned extends Error {
  constructor() {
    super('abandoned: Strapi is shutting down');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the plugin's search index in step with the site's users. Every write Strapi makes reaches it
 * through the query engine's lifecycle events for the user model (users-permissions, the content
 * manager, the document service, `createMany`/`updateMany`/`deleteMany`), once the writer's
 * transaction has committed. Writes made around Strapi (plain SQL) are found by the drift check, at start-up and
 * every 10 minutes. A rebuild (a new format, another name field) is built beside the live index and
 * swapped in; searches answer from the live one throughout.
 */
const searchIndexService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = searchTable(strapi);
  const source = searchSource(strapi);
  const drift = searchDrift(strapi);
  const lock = searchLock(strapi);
  const swap = searchSwap(strapi);
  const client = () => dialectOf(strapi);
  const store = () => strapi.store({ type: 'plugin', name: 'imbachat', key: 'search-index' });
  let unsubscribe: (() => void) | undefined;
  let unfollowSettings: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Whether the live table has this format's columns: a refresh writes it only then (a rebuild is due otherwise). */
  let liveCurrent = false;
  let closing = false;
  /** MySQL only: whether it is MariaDB (asked once). */
  let mariaDb: boolean | undefined;
  /** This instance's rebuilds and checks, one after another. */
  let queue: Promise<unknown> = Promise.resolve();

  const namesOf = (settings: Settings): NameSource => getService(strapi, 'userFields').attributesFor(settings);
  const currentNames = async () => namesOf(await getService(strapi, 'settings').get());
  /** What the signature records of how names are made. */
  const built = (names: NameSource) => ({ nameField: names.name, nameTemplate: names.nameTemplate?.source ?? '' });

  const readSignature = async () => ((await store().get({})) as Signature | null) ?? null;
  const writeSignature = async (change: Partial<Signature>) => {
    await store().set({ value: { ...(await readSignature()), ...change } });
  };
  const stale = (signature: Signature | null, names: NameSource) =>
    signature?.format !== formatOf(client()) || signature.nameField !== names.name || (signature.nameTemplate ?? '') !== built(names).nameTemplate;

  const stopIfClosing = () => {
    if (closing) throw new Abandoned();
  };
  /** Statements the site ran (every statement knex announces): SQLite's batches pause for them. */
  let statements = 0;
  const counted = () => {
    statements += 1;
  };
  let siteBusy = true;
  /**
   * Between two batches (a timer, so waiting queries go first). PostgreSQL, MySQL: as long as the
   * batch took, for the database's and this process's CPU. SQLite, whose batches hold the one
   * connection: twice the batch's time while the site ran statements in the last pause, so a
   * request's queries get the connection between two batches and not one batch each; a few
   * milliseconds while it ran none (an idle site's rebuild is not slowed for nothing).
   */
  const pause = async (busyMs: number) => {
    if (client() !== 'sqlite') return sleep(Math.max(1, Math.ceil(busyMs)));
    const before = statements;
    await sleep(siteBusy ? Math.max(1, Math.ceil(busyMs * 2)) : SQLITE_IDLE_PAUSE_MS);
    siteBusy = statements !== before;
  };
  const deps = () => ({ client: client(), knex: strapi.db.connection, source, drift, table, swap, stopIfClosing, pause });

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  };
  /** Runs `work` holding the index's lock, waiting for another instance to let go of it. */
  const held = async <T>(work: (session: IndexSession) => Promise<T>): Promise<T> => {
    const result = await lock.hold(work, true, () => closing);
    if (!result.held) throw new Abandoned();
    return result.value;
  };
  const logFailure = (what: string) => (error: unknown) => {
    if (error instanceof Abandoned) strapi.log.debug(`[imbachat] Search index ${what} ${error.message}`);
    else strapi.log.error(`[imbachat] Search index ${what} failed: ${(error as Error).message}`);
  };

  /** The lock held, the index of this format: compares it with the users table and mends what differs. */
  const checkHeld = async (session: IndexSession, names: NameSource): Promise<CheckResult> => {
    // Another instance may have swapped this format in since start-up.
    liveCurrent = true;
    const started = Date.now();
    const number = ((await readSignature())?.checks ?? 0) + 1;
    await writeSignature({ checks: number });
    mariaDb ??= client() === 'mysql' && (await isMariaDb(session));
    const result = await checkIndex({ ...deps(), noWait: client() === 'postgres' || mariaDb }, session, names);
    await writeSignature({ checked: number, checkedAt: started });
    if (result.found.length > 0) {
      strapi.log.info(`[imbachat] Search index: ${result.found.length} user(s) differed from the users table and were indexed again`);
    }
    return result;
  };

  /** The lock held: builds beside the live index, swaps it in, then mends what was written meanwhile. */
  const rebuildHeld = async (session: IndexSession, names: NameSource): Promise<RebuildResult> => {
    const started = Date.now();
    const { users, swapped } = await rebuildBeside(deps(), session, names);
    if (!swapped) throw new Error('the rebuilt index could not be swapped in: its tables were never free for 50 ms');
    liveCurrent = true;
    await writeSignature({ format: formatOf(client()), ...built(names) });
    const check = await checkHeld(session, names);
    const ms = Date.now() - started;
    if (users >= 10_000) strapi.log.info(`[imbachat] Search index built: ${users.toLocaleString('en')} users in ${ms} ms`);
    return { users, ms, check };
  };

  /** Start-up: an index made just now is filled, one out of date is rebuilt, any other is checked. */
  const startUp = (made: 'all' | 'part' | 'none') =>
    enqueue(() =>
      held(async (session) => {
        const names = await currentNames();
        if (made === 'all') await writeSignature({ format: formatOf(client()), ...built(names) });
        if (made === 'part' || stale(await readSignature(), names)) return rebuildHeld(session, names);
        return checkHeld(session, names);
      })
    ).catch(logFailure('start-up check'));

  /** Every CHECK_EVERY_MS the site over: the instance whose timer comes first checks, the others see it done. */
  const schedule = (checkedAt: number) => {
    if (closing || !unsubscribe) return;
    clearTimeout(timer);
    const wait = Math.max(MIN_TICK_MS, checkedAt + CHECK_EVERY_MS - Date.now()) + Math.random() * TICK_JITTER_MS;
    timer = setTimeout(() => void tick(), wait);
    timer.unref();
  };
  const due = (signature: Signature | null) => Date.now() >= (signature?.checkedAt ?? 0) + CHECK_EVERY_MS - TICK_JITTER_MS;
  const tick = async () => {
    let signature: Signature | null = null;
    try {
      signature = await readSignature();
      if (!due(signature)) return;
      // Another instance holding the lock is checking or rebuilding: this one leaves it the work.
      await enqueue(() =>
        lock.hold(
          async (session) => {
            const names = await currentNames();
            const now = await readSignature();
            if (stale(now, names)) return rebuildHeld(session, names);
            if (due(now)) return checkHeld(session, names);
          },
          false,
          () => closing
        )
      );
      signature = await readSignature();
    } catch (error) {
      logFailure('check')(error);
    } finally {
      schedule(signature?.checkedAt ?? Date.now());
    }
  };

  /** Users whose write has committed and whose rows wait to be rewritten, by this instance. */
  let waiting = new Set<number>();
  let rewriting: Promise<void> | undefined;

  /** A deadlock or a lock wait given up: the same rewrite may simply be tried again. */
  const lockConflict = (error: unknown) => {
    const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
    return ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', '40P01', '40001', 'SQLITE_BUSY'].includes(String(code)) || errno === 1213 || errno === 1205;
  };

  /** Rewrites these users' rows in a transaction of its own, their rows read FOR SHARE (a writer's own refresh is never undone). */
  const rewriteCommitted = async (ids: number[]) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const names = await currentNames();
        await strapi.db.connection.transaction((trx) => rewriteUsers({ source, table }, trx, ids, names, client() === 'sqlite' ? 'none' : 'share'));
        return;
      } catch (error) {
        if (attempt < 3 && lockConflict(error)) {
          await sleep(20 * attempt);
          continue;
        }
        strapi.log.error(`[imbachat] Could not update the search index for ${ids.length} user(s) (the next check mends it): ${(error as Error).message}`);
        return;
      }
    }
  };

  /** The waiting users, a batch at a time, one batch after another. */
  const flush = (): Promise<void> => {
    rewriting ??= (async () => {
      while (waiting.size > 0) {
        const ids = [...waiting];
        waiting = new Set();
        await rewriteCommitted(ids);
      }
    })().finally(() => {
      rewriting = undefined;
    });
    return rewriting;
  };

  /**
   * A user write's change reaches the index once the write is committed, never inside the writer's
   * transaction: the writer then holds none of the index's locks and waits on no other writer's (on
   * MySQL a deadlock there rolled the site's own write back), and a write rolled back leaves the
   * index as it was. Outside a transaction the write is committed already and the rows follow at once.
   * A failure is logged and never fails the site's write; the drift check mends what it missed.
   */
  const refresh = async (userIds: number[]) => {
    const ids = [...new Set(userIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
    // An index of an older format is being rebuilt: it has every user once swapped in.
    if (ids.length === 0 || !liveCurrent) return;
    const follow = () => {
      for (const id of ids) waiting.add(id);
      return flush();
    };
    if (strapi.db.inTransaction()) {
      await strapi.db.transaction(async ({ onCommit }) => onCommit(() => void follow()));
      return;
    }
    await follow();
  };

  /** A search made just after a write on this instance sees it: the rewrite under way is waited for, briefly. */
  const settled = async () => {
    if (!rewriting) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([rewriting, new Promise<void>((resolve) => (timer = setTimeout(resolve, 100)))]);
    clearTimeout(timer);
  };

  /** The ids a bulk update or delete is about to touch, read before it runs. */
  const idsMatching = async (params: LifecycleEvent['params']) => {
    const criteria: Record<string, unknown> = {};
    for (const key of ['where', '_q', 'filters'] as const) if (params[key] !== undefined) criteria[key] = params[key];
    return siteUsers(strapi).idsMatching(criteria);
  };

  /** Users a bulk create made: Strapi reports one id per insert on MariaDB, so the rest are read. */
  const createdIds = async (result: LifecycleEvent['result']) => {
    const ids = (result?.ids ?? []).map(Number).filter(Number.isSafeInteger);
    const count = result?.count ?? ids.length;
    if (ids.length === 0 || ids.length >= count) return ids;
    return [...ids, ...(await siteUsers(strapi).idsFrom(Math.min(...ids), count * 2))];
  };

  /** One row changed: its result carries the id. */
  const afterOne = async (event: LifecycleEvent) => {
    if (event.result?.id) await refresh([event.result.id]);
  };
  /** A bulk update or delete: the ids it touches are read before it runs, and refreshed after. */
  const beforeBulk = async (event: LifecycleEvent) => {
    event.state.ids = await idsMatching(event.params);
  };
  const afterBulk = (event: LifecycleEvent) => refresh(event.state.ids ?? []);

  const subscriber = {
    models: [USER_UID],
    afterCreate: afterOne,
    afterUpdate: afterOne,
    afterDelete: afterOne,
    async afterCreateMany(event: LifecycleEvent) {
      await refresh(await createdIds(event.result));
    },
    beforeUpdateMany: beforeBulk,
    afterUpdateMany: afterBulk,
    beforeDeleteMany: beforeBulk,
    afterDeleteMany: afterBulk,
  };

  return {
    /**
     * At start-up: creates the index when missing, follows every change from now on, and in the
     * background fills a new index, rebuilds one built for another name field or format, or checks
     * it against the users table (users written with plain SQL, or while the plugin was off).
     */
    async prepare() {
      closing = false;
      const made = await table.ensure();
      liveCurrent = made === 'all' || (await readSignature())?.format === formatOf(client());
      // Prepared again (a second call, or after stop()): one subscription, never two refreshes per write.
      if (!unsubscribe) strapi.db.connection.on('query', counted);
      unsubscribe ??= strapi.db.lifecycles.subscribe(subscriber as never) as unknown as () => void;
      unfollowSettings ??= getService(strapi, 'settings').onSaved((before, after) => this.settingsSaved(before, after));
      void startUp(made);
      schedule(Date.now());
    },

    /** Stops following changes and the periodic check (a job under way goes on: see close). */
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      unfollowSettings?.();
      unfollowSettings = undefined;
      strapi.db.connection.removeListener('query', counted);
      clearTimeout(timer);
      timer = undefined;
    },

    /** At shutdown: stops, and waits for a job under way to finish or give up between two batches. */
    async close() {
      this.stop();
      closing = true;
      await this.idle();
    },

    /** Resolves once the user writes committed so far on this instance are in the index. */
    async followed() {
      while (rewriting) await rewriting;
    },

    /** Resolves once no rebuild, check or user write's rewrite of this instance is running or waiting. */
    async idle() {
      for (let seen = queue; ; seen = queue) {
        await seen;
        await rewriting;
        if (seen === queue && !rewriting) return;
      }
    },

    /**
     * Builds the whole index beside the live one and swaps it in, then checks it (users written
     * meanwhile). One instance at a time: one that finds another at work waits, and when that one
     * rebuilt or checked the index for this name field after this call, its work serves (`skipped`).
     */
    rebuild(): Promise<RebuildResult> {
      return enqueue(async () => {
        const asked = (await readSignature())?.checks ?? 0;
        return held(async (session) => {
          const names = await currentNames();
          const signature = await readSignature();
          if (!stale(signature, names) && (signature?.checked ?? 0) > asked) {
            liveCurrent = true;
            return { users: 0, ms: 0, skipped: true };
          }
          return rebuildHeld(session, names);
        });
      });
    },

    /**
     * Compares the index with the users table now (range by range, in SQL) and indexes again every
     * user whose rows differ: renamed, new, deleted, blocked or unblocked with plain SQL. Runs by
     * itself at start-up and every 10 minutes.
     */
    check(): Promise<CheckResult> {
      return enqueue(() =>
        held(async (session) => {
          const names = await currentNames();
          if (stale(await readSignature(), names)) return (await rebuildHeld(session, names)).check!;
          return checkHeld(session, names);
        })
      );
    },

    /** The users whose email folds to the address's folded form (blocked users are not indexed). */
    async userIdsByEmail(address: string): Promise<number[]> {
      await settled();
      return table.userIdsWithKey(SearchField.Email, fold(address));
    },

    /** A save of the settings (the settings service tells it, see prepare): a new name field or template rebuilds the index. */
    async settingsSaved(before: Settings, after: Settings) {
      const [was, now] = [built(namesOf(before)), built(namesOf(after))];
      if (was.nameField !== now.nameField || was.nameTemplate !== now.nameTemplate) await this.rebuild();
    },

    /** Ids of the users matching the term (not folded yet), in the order the mode ranks them, each once. */
    async find(term: string, mode: SearchMode, limit: number, withEmail: boolean): Promise<number[]> {
      const folded = fold(term);
      if (folded === '') return [];
      await settled();
      const fields = withEmail ? 3 : 2;
      // An index of an older format (a rebuild is due) is searched as that format was.
      const rows = await table.find(folded, mode, limit * fields, withEmail, liveCurrent);
      const users: number[] = [];
      const seen = new Set<number>();
      for (const id of rows) {
        const user = userOf(id);
        if (seen.has(user)) continue;
        seen.add(user);
        users.push(user);
        if (users.length === limit) break;
      }
      return users;
    },
  };
};

export default searchIndexService;
export type SearchIndexService = ReturnType<typeof searchIndexService>;
