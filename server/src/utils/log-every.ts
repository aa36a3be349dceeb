/**
 * A logger that says each kind of trouble at most once per interval: a failing hook or database on
 * a busy route must not flood the site's log.
 */
export const logEvery = (log: (message: string) => void, intervalMs: number) => {
  const lastAt = new Map<string, number>();
  return (kind: string, message: string, now = Date.now()) => {
    const last = lastAt.get(kind);
    if (last !== undefined && now - last < intervalMs) return false;
    lastAt.set(kind, now);
    log(`[imbachat] ${message}`);
    return true;
  };
};
