import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, logFromNow, logged, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

const SECRET = 'dialog-hook-concurrency-key';
const HOOK = 'plugin::imbachat.canOpenDialog';

let app: TestApp;
let alice: { id: number };
let bob: { id: number };
let aliceJwt: string;

const dialog = (userId: number) => app.http().post('/api/imbachat/dialog').set('Authorization', `Bearer ${aliceJwt}`).send({ user_id: userId });
const inFlight = () => (app.strapi.plugin('imbachat').service('dialogToken') as { hookCallsInFlight(): number }).hookCallsInFlight();

/** A hook that hangs until released: every call is counted, `release` lets them all answer. */
const hungHook = () => {
  const waiting: Array<() => void> = [];
  let calls = 0;
  const hook = () => {
    calls += 1;
    return new Promise<string>((resolve) => waiting.push(() => resolve('default')));
  };
  return { hook, calls: () => calls, release: () => waiting.splice(0).forEach((resolve) => resolve()) };
};

beforeAll(async () => {
  app = await startStrapi();
  alice = await createSiteUser(app.strapi, { username: 'busy-alice' });
  bob = await createSiteUser(app.strapi, { username: 'busy-bob' });
  aliceJwt = await siteUserJwt(app.strapi, alice.id);
});
/** Hung hooks are let go after each test, whatever it found. */
const released: Array<() => void> = [];
afterEach(() => released.splice(0).forEach((release) => release()));
afterAll(async () => {
  await app?.close();
});
restoreAfterEach(() => app, {
  config: [HOOK, 'plugin::imbachat.canOpenDialogTimeoutMs', 'plugin::imbachat.canOpenDialogConcurrency', 'plugin::imbachat.dialogTokens'],
});

describe('canOpenDialogConcurrency: a hung canOpenDialog hook cannot pile up', () => {
  beforeEach(async () => {
    await configure(app.strapi, { widgetId: 'w-busy', secretKey: SECRET });
    app.strapi.config.set('plugin::imbachat.dialogTokens', { max: 1000, windowSeconds: 60 });
  });

  it('runs at most canOpenDialogConcurrency calls at once, timed-out ones counted until they settle; beyond, refuses at once (403, same body), logged once', async () => {
    const hung = hungHook();
    released.push(hung.release);
    app.strapi.config.set(HOOK, hung.hook);
    app.strapi.config.set('plugin::imbachat.canOpenDialogTimeoutMs', 200);
    app.strapi.config.set('plugin::imbachat.canOpenDialogConcurrency', 2);
    const read = logFromNow(app);

    // Twelve requests at once: two reach the hook (and time out), ten are refused without it.
    const answers = await Promise.all(Array.from({ length: 12 }, () => dialog(bob.id)));
    expect(answers.map((res) => res.status)).toEqual(Array(12).fill(403));
    expect(hung.calls()).toBe(2);
    expect(inFlight()).toBe(2);
    const bodies = new Set(answers.map((res) => JSON.stringify(res.body)));
    expect(bodies.size).toBe(1);
    expect(answers[0].body.error).toMatchObject({ status: 403, message: 'You cannot write to this user' });

    // Still hung after the timeout: the next request is refused at once, without a call.
    const started = Date.now();
    const busy = await dialog(bob.id);
    expect(busy.status).toBe(403);
    expect(busy.body).toEqual(answers[0].body);
    expect(Date.now() - started).toBeLessThan(150);
    expect(hung.calls()).toBe(2);

    const log = await logged(read, 'canOpenDialog was not called');
    const busyLines = log.split('\n').filter((line) => line.includes('canOpenDialog was not called'));
    expect(busyLines).toHaveLength(1);
    expect(busyLines[0]).toMatch(/canOpenDialog was not called: 2 calls are still running \(canOpenDialogConcurrency: 2\); the dialog was refused/);

    // Once the hung calls settle, the hook is asked again.
    hung.release();
    for (let i = 0; i < 50 && inFlight() > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(inFlight()).toBe(0);
    let asked = 0;
    app.strapi.config.set(HOOK, () => {
      asked += 1;
      return 'default';
    });
    const after = await dialog(bob.id);
    expect(after.status).toBe(200);
    expect(asked).toBe(1);
  });

  it('takes the limit as an env var gives it ("1"), and a hook that answers in time frees its place', async () => {
    app.strapi.config.set('plugin::imbachat.canOpenDialogConcurrency', '1');
    let calls = 0;
    app.strapi.config.set(HOOK, async () => {
      calls += 1;
      return 'need_access';
    });
    for (let i = 0; i < 3; i += 1) {
      const res = await dialog(bob.id);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(1);
    }
    expect(calls).toBe(3);
    expect(inFlight()).toBe(0);
  });
});
