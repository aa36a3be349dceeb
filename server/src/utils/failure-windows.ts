/** Failed attempts of one key within its window. */
export interface FailureWindow {
  failures: number;
  /** Epoch milliseconds at which the window ends and the count starts again. */
  resetAt: number;
  /** When this instance last saw the window in the store every instance shares (epoch ms). */
  confirmedAt?: number;
}

/**
 * Failure counts per key (a client address, a login), bounded in memory and cheap under a flood
 * of distinct keys: every window of one kind is as long as the next, so a Map's insertion order is
 * also the order in which windows end, and the oldest is always at the front. Keys still below the
 * limit and keys locked out live apart, so a flood of new keys can only push out other counting
 * keys, never a live lockout. Every operation does constant amortised work.
 */
export class FailureWindows {
  private readonly counting = new Map<string, FailureWindow>();
  private readonly locked = new Map<string, FailureWindow>();

  constructor(
    readonly max: number,
    private readonly capacity = 50_000
  ) {}

  get size() {
    return this.counting.size + this.locked.size;
  }

  /** The key's current window, or undefined when it has none or it ended. */
  get(key: string, now: number): FailureWindow | undefined {
    const window = this.locked.get(key) ?? this.counting.get(key);
    if (window && window.resetAt <= now) {
      this.delete(key);
      return undefined;
    }
    return window;
  }

  /** Milliseconds until a locked-out key may try again; 0 when it is not locked out. */
  retryAfterMs(key: string, now: number): number {
    const window = this.get(key, now);
    return window && window.failures >= this.max ? window.resetAt - now : 0;
  }

  /** Counts one failure here, opening a window of `windowMs` when the key has none. */
  increment(key: string, windowMs: number, now: number): FailureWindow {
    const current = this.get(key, now);
    return this.set(key, { failures: (current?.failures ?? 0) + 1, resetAt: current?.resetAt ?? now + windowMs }, now);
  }

  /** Takes a window as counted elsewhere (the store every instance shares). */
  set(key: string, window: FailureWindow, now: number): FailureWindow {
    this.dropExpired(now);
    const target = window.failures >= this.max ? this.locked : this.counting;
    const existing = target.get(key);
    if (existing && existing.resetAt === window.resetAt) {
      // Same window: update in place, keeping its place in the order windows end.
      existing.failures = window.failures;
      return existing;
    }
    this.delete(key);
    this.makeRoom(target);
    const entry = { ...window };
    target.set(key, entry);
    return entry;
  }

  /** The keys locked out now or lately (ended windows may linger until they are next looked at). */
  lockedKeys(): IterableIterator<string> {
    return this.locked.keys();
  }

  delete(key: string) {
    this.counting.delete(key);
    this.locked.delete(key);
  }

  /** At most two ended windows from the front of each map per call: amortised, never a scan. */
  private dropExpired(now: number) {
    for (const map of [this.counting, this.locked]) {
      for (let i = 0; i < 2; i += 1) {
        const first = map.entries().next();
        if (first.done) break;
        if (first.value[1].resetAt > now) break;
        map.delete(first.value[0]);
      }
    }
  }

  /** Full: the window that ends first goes (among lockouts, only to make room for another lockout). */
  private makeRoom(map: Map<string, FailureWindow>) {
    while (map.size >= this.capacity) {
      map.delete(map.keys().next().value as string);
    }
  }
}
