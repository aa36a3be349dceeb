import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { PluginConfig, ThrottleRule } from '../config';
import { throttleTable } from '../repositories/throttle-table';
import { clientKey, trustedAddresses } from '../utils/client-address';
import { FailureWindows } from '../utils/failure-windows';

export type ThrottleBucket = 'basicAuth' | 'authUsers';

/** How often one instance clears ended windows out of the shared table. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Failed attempts per key (a client's address, or a login's account) within a fixed window.
 * Each failure is counted in the plugin's table, which every instance on the database shares, and
 * the answer is kept in this instance's memory: checking a key (what a correct request does) never
 * touches the database. Another instance learns of a lockout at its next failure for that key.
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
  let warned = false;

  return {
    /** Creates the shared table when missing (at start-up). */
    async prepare() {
      await table.ensure();
    },

    /** How a client address is counted, and whether `throttle.trustedIps` exempts it. */
    client(ip: string): { key: string; trusted: boolean } {
      isTrusted ??= trustedAddresses(config().trustedIps);
      return { key: clientKey(ip), trusted: isTrusted(ip) };
    },

    /** Seconds until the key may try again, or 0 when it is not locked out. */
    retryAfter(bucket: ThrottleBucket, key: string, now = Date.now()): number {
      const ms = windows(bucket).retryAfterMs(key, now);
      return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
    },

    /** Counts a failure (shared when the database answers, here alone when it does not). */
    async recordFailure(bucket: ThrottleBucket, key: string, now = Date.now()) {
      const { windowSeconds } = rule(bucket);
      try {
        // The shared window ends when the database's clock says; here it is kept as time left from now.
        const counted = await table.increment(bucket, key, windowSeconds * 1000);
        windows(bucket).set(key, { failures: counted.failures, resetAt: now + counted.remainingMs }, now);
      } catch (error) {
        windows(bucket).increment(key, windowSeconds * 1000, now);
        if (!warned) {
          warned = true;
          strapi.log.warn(`[imbachat] Failed attempts are counted per instance: the shared count failed (${(error as Error).message})`);
        }
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
  };
};

export default throttleService;
