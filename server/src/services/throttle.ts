import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { PluginConfig, ThrottleRule } from '../config';

export type ThrottleBucket = keyof PluginConfig['throttle'];

interface Window {
  failures: number;
  resetAt: number;
}

/** Keys kept per bucket at most; past that, expired windows and then the oldest go first. */
const MAX_KEYS = 50_000;

/**
 * Counts failed attempts per key (client IP, or login) in fixed windows and says when a key
 * has used up its budget. Kept in this instance's memory: see README for the bound with
 * several instances.
 */
const throttleService = ({ strapi }: { strapi: Core.Strapi }) => {
  const buckets = new Map<ThrottleBucket, Map<string, Window>>();
  const rule = (bucket: ThrottleBucket): ThrottleRule =>
    (strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig).throttle[bucket];
  const windows = (bucket: ThrottleBucket) => {
    let map = buckets.get(bucket);
    if (!map) buckets.set(bucket, (map = new Map()));
    return map;
  };

  const prune = (map: Map<string, Window>, now: number) => {
    for (const [key, window] of map) if (window.resetAt <= now) map.delete(key);
    for (const key of map.keys()) {
      if (map.size < MAX_KEYS) break;
      map.delete(key);
    }
  };

  return {
    /** Seconds until the key may try again, or 0 when it is not throttled. */
    retryAfter(bucket: ThrottleBucket, key: string, now = Date.now()): number {
      const window = windows(bucket).get(key);
      if (!window || window.resetAt <= now || window.failures < rule(bucket).max) return 0;
      return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    },

    recordFailure(bucket: ThrottleBucket, key: string, now = Date.now()) {
      const map = windows(bucket);
      const window = map.get(key);
      if (window && window.resetAt > now) {
        window.failures += 1;
        return;
      }
      if (map.size >= MAX_KEYS) prune(map, now);
      map.set(key, { failures: 1, resetAt: now + rule(bucket).windowSeconds * 1000 });
    },

    reset(bucket: ThrottleBucket, key: string) {
      windows(bucket).delete(key);
    },
  };
};

export default throttleService;
