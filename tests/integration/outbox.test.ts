import request from 'supertest';
import { startSecondInstance, type SecondInstance } from '../helpers/instance';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, createSiteUsers, expectNoSecretsIn, logFromNow, logged, startStrapi, type TestApp } from '../helpers/strapi';

// The notifications route's outbox (#19): an accepted notification is written before it is answered,
// any instance sends it, temporary failures are retried, nothing is lost to a stop or a crash.
const LOGIN = 'chat';
const PASSWORD = 'outbox-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const OUTBOX_TABLE = 'imbachat_outbox';
const NOTIFY_TABLE = 'imbachat_notify';
const USER_UID = 'plugin::users-permissions.user';

// What a failed send carries: none of it may reach an answer or the log.
const PRIVATE_TITLE = 'Private-title-marker';
const PRIVATE_BODY = 'Private body marker: the words of a private message';
const PRIVATE_ADDRESS = 'olga.outbox@example.test';

let app: TestApp;
let smtp: TestSmtp;

type Outbox = { drain(): Promise<void>; idle(timeoutMs?: number): Promise<void> };
const outbox = (on: TestApp = app) => on.strapi.plugin('imbachat').service('outbox') as Outbox;
const notify = (body: Record<string, unknown>, on: TestApp = app) =>
  on.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send(body);
const rows = (on: TestApp = app) => on.strapi.db.connection(OUTBOX_TABLE).select('*').orderBy('id');
/** As if the rows' time had come (their back-off, or a dead instance's lease, ran out). */
const makeDue = (on: TestApp = app) => on.strapi.db.connection(OUTBOX_TABLE).update({ next_at: 0, lease_until: 0 });
const mailTo = async (address: string) => {
  await outbox().idle();
  return smtp.received.filter((message) => message.envelopeTo.includes(address));
};
const ok = (data: object) => ({ code: 200, version: 1, data });
const turnOn = (values: Record<string, unknown> = {}) => configure(app.strapi, { notifyByEmail: true, ...values });

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: smtp.env });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, PRIVATE_TITLE, PRIVATE_BODY, PRIVATE_ADDRESS]);
  } finally {
    await app?.close();
    await smtp?.stop();
  }
});
restoreAfterEach(() => app, { config: ['plugin::imbachat.outboxMax'] });
afterEach(async () => {
  smtp.refuseRecipients = null;
  smtp.refuseOnly = null;
  smtp.refuseCode = 550;
  await app.strapi.db.connection(OUTBOX_TABLE).del();
});

describe('the outbox', () => {
  it('claims no window for a row whose lease another instance holds by the time it sends: the claim is undone with the transaction', async () => {
    const user = await createSiteUser(app.strapi, { username: 'leaselost' });
    await turnOn();
    type Row = { id: number };
    const service = outbox() as Outbox & { accept(message: object): Promise<Row>; deliverNow(row: Row): Promise<unknown> };
    const row = await service.accept({ emailTo: user.email, title: 'Lease lost', body: '' });
    // Its lease ran out and another instance took it over meanwhile.
    await app.strapi.db.connection(OUTBOX_TABLE).where({ id: row.id }).update({ lease_owner: 'another-instance' });
    await expect(service.deliverNow(row)).rejects.toThrow('no longer leased to this instance');
    const window = await app.strapi.db.connection(NOTIFY_TABLE).where({ user_id: user.id }).first();
    expect(Number(window?.sent_at ?? 0)).toBe(0);
    expect(await mailTo(user.email)).toHaveLength(0);
    // The other instance, sending it, finds the window free.
    expect((await rows())[0]).toMatchObject({ lease_owner: 'another-instance', window_sent_at: null });
  });

  it('keeps a notification whose send failed for now, retries it with back-off, and sends it once the provider is back', async () => {
    const user = await createSiteUser(app.strapi, { username: 'retryrose' });
    await turnOn();
    const log = logFromNow(app);
    await smtp.stop();
    try {
      const res = await notify({ user_id: user.id, title: PRIVATE_TITLE, body: PRIVATE_BODY });
      expect(res.body).toEqual(ok({ sent: false, queued: true, reason: 'provider-failed', retry_after: 30 }));
      expect((await notify({ email_to: user.email, title: 'Again' })).body).toEqual(ok({ accepted: true }));
      await outbox().idle();
      const [row] = await rows();
      expect(row).toMatchObject({ user_id: user.id, attempts: 1 });
      // The second was counted against the user's window: one email per window, retried or not.
      expect(await rows()).toHaveLength(1);
      // Due again, and still failing: the next try waits twice as long. Its line is logged past the
      // minute of any earlier test's (the log says each kind of failure once a minute).
      await makeDue();
      const later = Date.now() + 600_000;
      jest.spyOn(Date, 'now').mockImplementation(() => later);
      try {
        await outbox().drain();
      } finally {
        jest.restoreAllMocks();
      }
      expect((await rows())[0]).toMatchObject({ attempts: 2 });
      const [{ wait }] = await app.strapi.db.connection(OUTBOX_TABLE).select(app.strapi.db.connection.raw('next_at - created_at AS wait'));
      expect(Number(wait)).toBeGreaterThan(55_000);
    } finally {
      await smtp.start();
    }
    await makeDue();
    await outbox().drain();
    expect(await mailTo(user.email)).toHaveLength(1);
    expect(await rows()).toHaveLength(0);
    const text = await logged(log, 'was not sent for now');
    expect(text).toContain(`The notification email to user ${user.id} was not sent for now`);
    expect(text).toContain('ECONNREFUSED');
  });

  it('ends a notification the mail server refuses for good with one log line, and gives the user\'s window back', async () => {
    const olga = await createSiteUser(app.strapi, { username: 'olga', email: PRIVATE_ADDRESS });
    await turnOn();
    const log = logFromNow(app);
    smtp.refuseRecipients = `Mailbox ${PRIVATE_ADDRESS} is unavailable, ask postmaster@example.test`;
    const res = await notify({ user_id: olga.id, title: PRIVATE_TITLE, body: PRIVATE_BODY });
    expect(res.body).toEqual(ok({ sent: false, reason: 'refused' }));
    expect(await rows()).toHaveLength(0);
    const text = await logged(log, `notification email to user ${olga.id}`);
    expect(text.match(/will not be tried again/g)).toHaveLength(1);
    expect(text).toMatch(new RegExp(`user ${olga.id} was not sent and will not be tried again: Strapi's email provider \\(nodemailer\\) failed: .*550 Mailbox … is unavailable, ask <address> \\(the mail server refused it\\)`));
    // The refusal did not use up her window.
    smtp.refuseRecipients = null;
    expect((await notify({ user_id: olga.id, title: 'Hello' })).body).toEqual(ok({ sent: true }));
  });

  it('treats a 4xx reply as temporary, and logs each kind of failure once a minute whatever the provider\'s words', async () => {
    const users = await createSiteUsers(app.strapi, ['tempted1', 'tempted2', 'tempted3']);
    await turnOn();
    const log = logFromNow(app);
    smtp.refuseCode = 451;
    // Past the minute of any earlier test's line: this test's first failure is logged.
    const later = Date.now() + 120_000;
    jest.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      for (const [i, user] of users.entries()) {
        // A provider's message often carries a session id of its own.
        smtp.refuseRecipients = `Try again later (session ${i}-${process.hrtime.bigint()})`;
        expect((await notify({ user_id: user.id, title: 'Hello' })).body.data).toMatchObject({ queued: true, reason: 'provider-failed' });
      }
    } finally {
      jest.restoreAllMocks();
    }
    const text = await logged(log, 'was not sent for now');
    expect(text.match(/was not sent for now/g)).toHaveLength(1);
    expect(await rows()).toHaveLength(3);
  });

  it('gives up a notification still failing a day after it was accepted', async () => {
    const user = await createSiteUser(app.strapi, { username: 'givenup' });
    await turnOn();
    const log = logFromNow(app);
    await smtp.stop();
    try {
      expect((await notify({ user_id: user.id, title: 'Hello' })).body.data).toMatchObject({ queued: true });
      await app.strapi.db.connection(OUTBOX_TABLE).update({ created_at: app.strapi.db.connection.raw('created_at - ?', [24 * 60 * 60_000 + 1000]) });
      await makeDue();
      await outbox().drain();
    } finally {
      await smtp.start();
    }
    expect(await rows()).toHaveLength(0);
    expect(await logged(log, 'will not be tried again')).toContain(`user ${user.id} was not sent and will not be tried again`);
  });

  it('is bounded: a full outbox answers 503 with Retry-After in ImbaChat\'s shape, for any recipient alike', async () => {
    const users = await createSiteUsers(app.strapi, ['full1', 'full2', 'full3']);
    await turnOn();
    app.strapi.config.set('plugin::imbachat.outboxMax', 2);
    await smtp.stop();
    try {
      for (const user of users.slice(0, 2)) expect((await notify({ user_id: user.id, title: 'Hello' })).body.data).toMatchObject({ queued: true });
      const answers = [
        await notify({ user_id: users[2].id, title: 'Hello' }),
        await notify({ email_to: users[2].email, title: 'Hello' }),
        await notify({ email_to: 'nobody.here@example.test', title: 'Hello' }),
      ];
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('60');
        expect(res.body).toEqual({ code: 503, version: 1, error: 'Too many notifications are waiting to be emailed: try again later', debug: '' });
      }
      // Refused, the user's window is free again.
      expect(await app.strapi.db.connection(NOTIFY_TABLE).where({ user_id: users[2].id, sent_at: 0 })).toHaveLength(1);
    } finally {
      await smtp.start();
    }
  });

  it('finds an email_to address through the plugin\'s index, never by reading the users table', async () => {
    const user = await createSiteUser(app.strapi, { username: 'Indexed.Ida', email: 'ida.indexed@example.test' });
    await turnOn();
    const table = (app.strapi.db.metadata.get(USER_UID) as unknown as { tableName: string }).tableName;
    const statements: string[] = [];
    const listener = (query: { sql: string }) => statements.push(query.sql);
    app.strapi.db.connection.on('query', listener);
    try {
      expect((await notify({ email_to: 'IDA.Indexed@example.test', title: 'Hello' })).body).toEqual(ok({ accepted: true }));
      await outbox().idle();
    } finally {
      app.strapi.db.connection.removeListener('query', listener);
    }
    expect(await mailTo(user.email)).toHaveLength(1);
    const onUsers = statements.filter((sql) => new RegExp(`from [\`"]?${table}[\`"]?`, 'i').test(sql));
    expect(onUsers.length).toBeGreaterThan(0);
    // Each read of the users table is by primary key; none compares addresses.
    for (const sql of onUsers) {
      expect(sql).toMatch(/[`"]id[`"] in \(/i);
      expect(sql).not.toMatch(/email[`"]?\s*(=|like)|lower\(/i);
    }
  });
});

// Several processes on one SQLite file at once is not a setup Strapi supports: PostgreSQL and MySQL only.
(process.env.DATABASE_CLIENT && process.env.DATABASE_CLIENT !== 'sqlite' ? describe : describe.skip)('two instances', () => {
  let b: SecondInstance | undefined;
  afterAll(() => {
    b?.process.kill('SIGTERM');
  });

  it('never send one notification twice: each of many due rows is emailed exactly once', async () => {
    b = await startSecondInstance(smtp.env);
    const users = await createSiteUsers(app.strapi, Array.from({ length: 12 }, (_, i) => `twice${i}`));
    await turnOn();
    await smtp.stop();
    try {
      // Accepted on both instances while the mail server is away: all of them wait in the outbox.
      for (const [i, user] of users.entries()) {
        const res =
          i % 2 === 0
            ? await notify({ email_to: user.email, title: `Hello ${i}` })
            : await request(b.url).post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ email_to: user.email, title: `Hello ${i}` });
        expect(res.body).toEqual(ok({ accepted: true }));
      }
      await outbox().idle();
      const started = Date.now();
      while ((await rows()).some((row) => Number(row.attempts) === 0) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await smtp.start();
    }
    expect(await rows()).toHaveLength(users.length);
    // Due at once on both: this one drains now, the other by its own timer within seconds.
    await makeDue();
    await outbox().drain();
    const started = Date.now();
    while ((await rows()).length > 0 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(await rows()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 500));
    for (const user of users) expect(await mailTo(user.email)).toHaveLength(1);
  });
});
