import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Lockout } from '../../../contract';
import { PLUGIN_ID } from '../constants';
import type { PluginConfig, ThrottleRule } from '../config';
import { throttleRowId, throttleTable } from '../repositories/throttle-table';
import { clientKey, trustedAddresses } from '../utils/client-address';
import { FailureWindows } from '../utils/failure-windows';
import { logEvery } from '../utils/log-every';

export type ThrottleBucket = 'basicAuth' | 'authUsers';
const BUCKETS: readonly ThrottleBucket[] = ['basicAuth', 'authUsers'];

/** How often one instance clears ended windows out of the shared table. */
const SWEEP_EVERY_MS = 60_000;
/**
 * A key this instance holds locked out is checked against the shared table at most this often, so
 * an Unlock on another instance lets it in within these seconds (only refused requests read it).
 */
const CONFIRM_LOCKOUT_EVERY_MS = 2000;
/** Most lockouts the admin's status lists. */
const LOCKOUTS_LISTED = 100;

/**
 * Failed attempts per key (a client's address, or a login's account) within a fixed window.
 * Each failure is counted in the plugin's table, which every instance on the database shares, and
 * the answer is kept in this instance's memory: checking a key that is not locked out (what a
 * correct request does) never touches the database. Another instance learns of a lockout at its
 * next failure for that key, and of its end (an admin's Unlock) at the next refusal after
 * CONFIRM_LOCKOUT_EVERY_MS.
 */
const throttleService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => (strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig).throttle;
  const rule = (bucket: ThrottleBucket): ThrottleRule => config()[bucket];
  const table = throttleTable(strapi);

  const local = new Map<ThrottleBucket, FailureWindows>();
  const windows = (bucket: ThrottleBucket) => {
    const { max } = rule(bucket);
    let map = local.get(bucket);
    if (map?.max !== max) local.set(bucket, (map = new FailureWindows(max)));
    return map;
  };

  let isTrusted: ((ip: string) => boolean) | undefined;
  let sweptAt = 0;
  const warn = logEvery((message) => strapi.log.warn(message), 60_000);

  const retryAfter = (bucket: ThrottleBucket, key: string, now = Date.now()): number => {
    const ms = windows(bucket).retryAfterMs(key, now);
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
  };

  return {
    /** Creates the shared table when missing, or adds what this version keeps in it (at start-up). */
    async prepare() {
      await table.ensure();
    },

    /** How a client address is counted, and whether `throttle.trustedIps` exempts it. */
    client(ip: string): { key: string; trusted: boolean } {
      isTrusted ??= trustedAddresses(config().trustedIps);
      return { key: clientKey(ip), trusted: isTrusted(ip) };
    },

    /** Seconds until the key may try again by this instance's memory, or 0 when it is not locked out. */
    retryAfter,

    /**
     * Seconds until the key may try again, or 0. Free for a key this instance does not hold locked
     * out; a lockout is checked against the shared table at most every CONFIRM_LOCKOUT_EVERY_MS,
     * so an Unlock made on any instance is honoured here within those seconds.
     */
    async lockedOutFor(bucket: ThrottleBucket, key: string, now = Date.now()): Promise<number> {
      const map = windows(bucket);
      const window = map.get(key, now);
      if (!window || window.failures < map.max) return 0;
      if (now - (window.confirmedAt ?? 0) >= CONFIRM_LOCKOUT_EVERY_MS) {
        window.confirmedAt = now;
        try {
          const shared = await table.read(bucket, key);
          if (!shared || shared.failures < map.max) {
            map.delete(key);
            return 0;
          }
          map.set(key, { failures: shared.failures, resetAt: now + shared.remainingMs }, now).confirmedAt = now;
        } catch {
          // The database is away: this instance's memory decides, as it does for counting.
        }
      }
      return retryAfter(bucket, key, now);
    },

    /**
     * Counts a failure (shared when the database answers, here alone when it does not). `subject`
     * is what the admin reads if this failure locks the key out: the address, or the account.
     */
    async recordFailure(bucket: ThrottleBucket, key: string, now = Date.now(), subject?: string) {
      const { windowSeconds, max } = rule(bucket);
      try {
        // The shared window ends when the database's clock says; here it is kept as time left from now.
        const counted = await table.increment(bucket, key, windowSeconds * 1000);
        windows(bucket).set(key, { failures: counted.failures, resetAt: now + counted.remainingMs }, now).confirmedAt = now;
        if (counted.failures >= max) await table.markLocked(bucket, key, subject ?? key).catch(() => undefined);
      } catch (error) {
        windows(bucket).increment(key, windowSeconds * 1000, now);
        warn('shared-count-failed', `Failed attempts are counted per instance: the shared count failed (${(error as Error).message})`);
      }
      if (now - sweptAt > SWEEP_EVERY_MS) {
        sweptAt = now;
        table.removeExpired().catch(() => undefined);
      }
    },

    /** A success clears the key's failures; free when this instance saw none. */
    async reset(bucket: ThrottleBucket, key: string, now = Date.now()) {
      if (!windows(bucket).get(key, now)) return;
      windows(bucket).delete(key);
      await table.remove(bucket, key).catch(() => undefined);
    },

    /** The current lockouts of every instance, from the shared table (times on the database's clock). */
    async lockouts(): Promise<Lockout[]> {
      const rows = await table.lockouts(LOCKOUTS_LISTED);
      return rows
        .filter((row) => (BUCKETS as readonly string[]).includes(row.bucket) && row.failures >= rule(row.bucket as ThrottleBucket).max)
        .map((row) => ({
          key: row.id,
          kind: row.bucket as ThrottleBucket,
          subject: row.subject,
          failures: row.failures,
          until: new Date(row.resetAt).toISOString(),
        }));
    },

    /**
     * Ends a lockout by its key (as `lockouts` lists it) on every instance: the shared row goes, this
     * instance forgets it at once, the others at their next check of it. NotFoundError when there is
     * no such window (unknown, or ended already).
     */
    async unlock(id: string) {
      const notFound = () => new errors.NotFoundError('No such lockout: it may have ended already');
      if (!/^[0-9a-f]{64}$/.test(id)) throw notFound();
      const bucket = await table.removeLive(id);
      if (bucket === null) throw notFound();
      for (const name of BUCKETS) {
        if (bucket !== '' && bucket !== name) continue;
        const map = windows(name);
        for (const key of [...map.lockedKeys()]) if (throttleRowId(name, key) === id) map.delete(key);
      }
    },
  };
};

export default throttleService;
