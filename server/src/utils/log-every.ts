/** How many kinds a limiter remembers; beyond that the one logged longest ago is forgotten. */
export const LOG_EVERY_MAX_KINDS = 100;

/**
 * A logger that says each kind of trouble at most once per interval: a failing hook or database on
 * a busy route must not flood the site's log. `kind` is a word of the caller's own (never text from
 * a hook, a provider or a driver): the limiter remembers at most `maxKinds` of them.
 */
export const logEvery = (log: (message: string) => void, intervalMs: number, maxKinds = LOG_EVERY_MAX_KINDS) => {
  // Insertion order is the order last logged: the first key is the one to forget.
  const lastAt = new Map<string, number>();
  return (kind: string, message: string, now = Date.now()) => {
    const last = lastAt.get(kind);
    // A clock set back (or a last time in the future) never silences a kind for longer than the interval.
    if (last !== undefined && now >= last && now - last < intervalMs) return false;
    lastAt.delete(kind);
    lastAt.set(kind, now);
    if (lastAt.size > maxKinds) lastAt.delete(lastAt.keys().next().value as string);
    log(`[imbachat] ${message}`);
    return true;
  };
};
