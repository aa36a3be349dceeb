import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

// Windows that instances share (throttle, notifications, last seen) run on the database's clock (#19):
// an instance whose own clock runs ahead (here: this one, by an hour or a day) ends no one's window
// early and writes no time in the future.
const LOGIN = 'chat';
const PASSWORD = 'clock-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const HOUR = 60 * 60_000;

let app: TestApp;
let smtp: TestSmtp;

/** Runs `work` with this instance's clock `aheadMs` ahead of everyone else's. */
const ahead = async <T>(aheadMs: number, work: () => Promise<T>): Promise<T> => {
  const realNow = Date.now.bind(Date);
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + aheadMs);
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
};

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: smtp.env });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, widgetId: 'clock-widget', secretKey: 'clock-secret-key-0123456789' });
});
afterAll(async () => {
  await app?.close();
  await smtp?.stop();
});
restoreAfterEach(() => app);

describe('an instance whose clock runs ahead', () => {
  it('cannot end a user\'s notification window early', async () => {
    const user = await createSiteUser(app.strapi, { username: 'clockclara' });
    await configure(app.strapi, { notifyByEmail: true, notifyEveryMinutes: 10 });
    const notify = () => app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ user_id: user.id, title: 'Hello' });
    expect((await notify()).body.data).toEqual({ sent: true });
    // An hour ahead, the window (10 minutes, by the database) is still running.
    const later = await ahead(HOUR, notify);
    expect(later.body.data).toEqual({ sent: false, reason: 'rate-limited', skipped: 1, retry_after: expect.any(Number) });
    expect(later.body.data.retry_after).toBeGreaterThan(590);
    expect(later.body.data.retry_after).toBeLessThanOrEqual(600);
  });

  it('counts failed logins in windows that end when the database says', async () => {
    const before = Date.now();
    await ahead(HOUR, async () => {
      for (let i = 0; i < 3; i += 1) {
        expect((await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic(LOGIN, 'wrong'))).status).toBe(401);
      }
    });
    const rows = (await app.strapi.db.connection('imbachat_throttle').select('failures', 'reset_at')) as { failures: number; reset_at: string }[];
    const window = rows.find((row) => Number(row.failures) === 3);
    expect(window).toBeDefined();
    // 15 minutes from now on the database's clock, not from an hour ahead.
    const endsIn = Number(window!.reset_at) - before;
    expect(endsIn).toBeGreaterThan(14 * 60_000);
    expect(endsIn).toBeLessThan(16 * 60_000);
  });

  it('writes the time a user was last seen as the database has it, never in the future', async () => {
    const user = await createSiteUser(app.strapi, { username: 'clockcarl' });
    await configure(app.strapi, { trackLastSeen: true });
    const jwt = await siteUserJwt(app.strapi, user.id);
    const before = Math.floor(Date.now() / 1000);
    await ahead(24 * HOUR, async () => {
      expect((await app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${jwt}`)).status).toBe(200);
    });
    let seen: number | undefined;
    const started = Date.now();
    while (seen === undefined && Date.now() - started < 5000) {
      const row = await app.strapi.db.connection('imbachat_last_seen').where({ user_id: user.id }).first();
      seen = row ? Number(row.seen_at) : undefined;
      if (seen === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(seen).toBeGreaterThanOrEqual(before - 2);
    expect(seen).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 2);
  });
});
