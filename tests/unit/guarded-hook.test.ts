import { guardedHook, hookErrorMessage } from '../../server/src/services/guarded-hook';

const never = () => new Promise<never>(() => undefined);
const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('guardedHook: how the plugin calls a hook of the site', () => {
  it('answers what the hook answers, sync or async', async () => {
    const guard = guardedHook();
    await expect(guard.run(() => 7, { timeoutMs: 100, limit: 1 })).resolves.toEqual({ ok: true, value: 7 });
    await expect(guard.run(async () => 'x', { timeoutMs: 100, limit: 1 })).resolves.toEqual({ ok: true, value: 'x' });
    expect(guard.inFlight()).toBe(0);
  });

  it('turns a throw, a rejection and an error that cannot be read into failures, never a throw', async () => {
    const guard = guardedHook();
    const options = { timeoutMs: 100, limit: 2 };
    expect(await guard.run(() => { throw new Error('boom'); }, options)).toEqual({ ok: false, failure: 'failed', problem: 'failed: boom' });
    expect(await guard.run(() => Promise.reject('no'), options)).toEqual({ ok: false, failure: 'failed', problem: 'failed: no' });
    const unreadable = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
    expect(hookErrorMessage(unreadable)).toBe('an error that cannot be read');
    expect(hookErrorMessage(new Error('x'.repeat(1000)))).toHaveLength(300);
  });

  it('gives up after the time limit, and counts the call until it really settles', async () => {
    const guard = guardedHook();
    let finish!: () => void;
    const slow = new Promise<string>((resolve) => (finish = () => resolve('late')));
    const outcome = await guard.run(() => slow, { timeoutMs: 20, limit: 1 });
    expect(outcome).toEqual({ ok: false, failure: 'timeout', problem: 'took longer than 20 ms' });
    expect(guard.inFlight()).toBe(1);
    // The limit still holds the abandoned call: a hung dependency cannot pile calls up.
    let called = false;
    expect(await guard.run(() => (called = true), { timeoutMs: 20, limit: 1 })).toEqual({
      ok: false,
      failure: 'busy',
      problem: 'was not called: 1 calls are still running',
    });
    expect(called).toBe(false);
    finish();
    await later(0);
    expect(guard.inFlight()).toBe(0);
    expect(await guard.run(() => 'again', { timeoutMs: 20, limit: 1 })).toEqual({ ok: true, value: 'again' });
  });

  it('keeps a count per guard: one hook hanging leaves another alone', async () => {
    const [a, b] = [guardedHook(), guardedHook()];
    void a.run(never, { timeoutMs: 10, limit: 1 });
    expect(a.inFlight()).toBe(1);
    expect(await b.run(() => 1, { timeoutMs: 10, limit: 1 })).toEqual({ ok: true, value: 1 });
  });
});
