/**
 * The one way the plugin calls a hook the site gave in `config/plugins` (`extendUsers`, `friendsOf`,
 * `canOpenDialog`): with a time limit and a cap on calls running at once. A call a timeout gave up on
 * stays counted until it really settles, so a hung dependency cannot pile calls up. Never throws:
 * the caller decides what a failure means (answer without the hook, answer nothing, refuse).
 */

export type HookFailure = 'busy' | 'failed' | 'timeout';

export type HookOutcome<T> = { ok: true; value: T } | { ok: false; failure: HookFailure; problem: string };

/** The hook's error in a line of the log; reading it may throw too (a Proxy, a getter). */
export const hookErrorMessage = (error: unknown) => {
  try {
    return (error instanceof Error ? error.message : String(error)).slice(0, 300);
  } catch {
    return 'an error that cannot be read';
  }
};

const LATE = Symbol('late');

/** One per hook and Strapi instance: the count of calls running is the instance's. */
export const guardedHook = () => {
  let inFlight = 0;
  const settled = () => {
    inFlight -= 1;
  };

  return {
    /** Calls started and not settled yet, those a timeout gave up on included. */
    inFlight: () => inFlight,

    /** Runs `call` unless `limit` calls are still running; an answer later than `timeoutMs` is a failure. */
    async run<T>(call: () => T | Promise<T>, { timeoutMs, limit }: { timeoutMs: number; limit: number }): Promise<HookOutcome<Awaited<T>>> {
      if (inFlight >= limit) return { ok: false, failure: 'busy', problem: `was not called: ${inFlight} calls are still running` };
      inFlight += 1;
      const running = Promise.resolve().then(call);
      running.then(settled, settled);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<typeof LATE>((resolve) => {
        timer = setTimeout(() => resolve(LATE), timeoutMs);
      });
      try {
        const answer = await Promise.race([running, late]);
        if (answer === LATE) return { ok: false, failure: 'timeout', problem: `took longer than ${timeoutMs} ms` };
        return { ok: true, value: answer as Awaited<T> };
      } catch (error) {
        return { ok: false, failure: 'failed', problem: `failed: ${hookErrorMessage(error)}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
};
