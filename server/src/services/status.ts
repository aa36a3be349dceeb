import type { Core } from '@strapi/strapi';
import type { ChatServerCall, ChatServerFailure, ChatServerFailureReason, ChatServerRoute, ChatServerRouteStatus, StatusResponse } from '../../../contract';
import { readDbNow } from '../repositories/db-clock';
import { statusTable, type StatusRow } from '../repositories/status-table';
import { CHAT_SERVER_ROUTES, failureReason, type BasicAuthRefusal } from '../utils/chat-server-status';
import { getService } from './get-service';
import { publicUrlCheck } from './site-address';

/** How long calls wait in memory before they are written: at most one write per this time per instance. */
const STATUS_FLUSH_MS = 5000;
/** How often the instance's clock is compared with the database's again. */
const CLOCK_CHECK_MS = 60_000;
const LAST_TEST_ID = 'lastTest';
const IP_MAX_LENGTH = 64;

type StatusData = StatusResponse['data'];

const callOf = (row: StatusRow | undefined): ChatServerCall | null =>
  row ? { at: new Date(row.atMs).toISOString(), status: row.status, ip: row.ip ?? '' } : null;

/**
 * The chat server's calls as the admin's status shows them: per route the newest call, the newest
 * 2xx and the newest failure with its reason; and the newest Test API run on the saved credentials.
 * Shared by every instance through the plugin's table, and cheap: a call is noted in memory (no
 * query, nothing awaited), and what changed is written in one statement at most every
 * STATUS_FLUSH_MS per instance. Times are this instance's clock set to the database's (the offset is
 * measured at start-up and every minute), so instances whose clocks differ still agree which call
 * is newest. A database that fails only delays the write: nothing a request does waits on it.
 */
const statusService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = statusTable(strapi);
  /** Rows not yet written, by id: only the newest of each. */
  const pending = new Map<string, StatusRow>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let stopped = false;
  /** Database clock minus this instance's clock, in ms. */
  let offsetMs = 0;
  let clockCheckedAt = 0;
  let failing = false;

  const now = () => Date.now() + offsetMs;

  const measureClock = async () => {
    const before = Date.now();
    const dbNow = await readDbNow(strapi);
    const after = Date.now();
    offsetMs = dbNow - (before + after) / 2;
    clockCheckedAt = after;
    return dbNow;
  };

  const keep = (row: StatusRow) => {
    const current = pending.get(row.id);
    if (!current || current.atMs <= row.atMs) pending.set(row.id, row);
  };

  const schedule = () => {
    if (timer || stopped || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, STATUS_FLUSH_MS);
    timer.unref();
  };

  /** Writes what waits in one statement; on failure keeps it (behind anything newer noted meanwhile) for the next try. */
  const write = async () => {
    clearTimeout(timer);
    timer = undefined;
    const rows = [...pending.values()];
    pending.clear();
    if (rows.length === 0) return;
    try {
      await table.upsert(rows);
      if (failing) strapi.log.info('[imbachat] The chat server status is written again');
      failing = false;
      if (Date.now() - clockCheckedAt > CLOCK_CHECK_MS) await measureClock().catch(() => undefined);
    } catch (error) {
      for (const row of rows) keep(row);
      // One line per outage: the calls themselves were answered. The driver's words only: knex puts
      // the statement, client addresses included, before them.
      const reason = String((error as Error).message).split(' - ').pop();
      if (!failing) strapi.log.warn(`[imbachat] Could not write the chat server status (tried again every ${STATUS_FLUSH_MS / 1000} s): ${reason}`);
      failing = true;
    }
  };

  /** Writes everything noted so far (one write at a time; a call noted during a write goes in the next). */
  const flush = async (): Promise<void> => {
    while (flushing) await flushing;
    if (pending.size === 0) return;
    flushing = write().finally(() => {
      flushing = undefined;
      schedule();
    });
    await flushing;
  };

  const routeStatus = (route: ChatServerRoute, rows: Map<string, StatusRow>): ChatServerRouteStatus => {
    const failure = rows.get(`${route}.failure`);
    const lastFailure: ChatServerFailure | null = failure
      ? { ...(callOf(failure) as ChatServerCall), reason: failure.reason as ChatServerFailureReason }
      : null;
    return { route, lastCall: callOf(rows.get(`${route}.call`)), lastSuccess: callOf(rows.get(`${route}.success`)), lastFailure };
  };

  return {
    /** At start-up: creates the table when missing and measures the clocks' offset. */
    async prepare() {
      stopped = false;
      await table.ensure();
      await measureClock();
    },

    /**
     * Notes a chat-server call as answered: memory only, never a query, never throws. `refusal` is
     * what the Basic check refused it for, when it did.
     */
    record(route: ChatServerRoute, status: number, ip: string, refusal?: BasicAuthRefusal) {
      const atMs = now();
      const address = ip.length > IP_MAX_LENGTH ? ip.slice(0, IP_MAX_LENGTH) : ip;
      keep({ id: `${route}.call`, atMs, status, ip: address, reason: null });
      if (status >= 200 && status < 300) keep({ id: `${route}.success`, atMs, status, ip: address, reason: null });
      const reason = failureReason(route, status, refusal);
      if (reason) keep({ id: `${route}.failure`, atMs, status, ip: address, reason });
      schedule();
    },

    /** A Test API run on the saved credentials, written at once (an admin's click, not a hot path). */
    async recordTest(status: number, ok: boolean) {
      await table.upsert([{ id: LAST_TEST_ID, atMs: now(), status, ip: null, reason: ok ? 'ok' : 'failed' }]);
    },

    /** Writes what waits now (tests; and at shutdown). */
    flush,

    /** At shutdown: no more timers; what waits is written while the database is still open. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await flush();
    },

    /**
     * GET /imbachat/status: the routes' calls, the lockouts and the last test as every instance
     * wrote them (with this instance's unwritten calls over them), and whether the chat server can
     * reach the site (`origin`: the address the admin reached the server at, used when `server.url`
     * is not absolute).
     */
    async report(origin: string): Promise<StatusData> {
      const [recorded, lockouts] = await Promise.all([this.read(), getService(strapi, 'throttle').lockouts()]);
      return { routes: recorded.routes, lockouts, lastTest: recorded.lastTest, publicUrl: publicUrlCheck(strapi, origin), now: recorded.now };
    },

    /** The routes' calls and the last test, as every instance wrote them, with this instance's unwritten ones over them. */
    async read(): Promise<Pick<StatusData, 'routes' | 'lastTest' | 'now'>> {
      const [stored, dbNow] = await Promise.all([table.all(), measureClock()]);
      const rows = new Map(stored.map((row) => [row.id, row]));
      for (const row of pending.values()) {
        const current = rows.get(row.id);
        if (!current || current.atMs < row.atMs) rows.set(row.id, row);
      }
      const test = rows.get(LAST_TEST_ID);
      return {
        routes: CHAT_SERVER_ROUTES.map((route) => routeStatus(route, rows)),
        lastTest: test ? { at: new Date(test.atMs).toISOString(), ok: test.reason === 'ok', status: test.status } : null,
        now: new Date(dbNow).toISOString(),
      };
    },
  };
};

export default statusService;
export type StatusService = ReturnType<typeof statusService>;
