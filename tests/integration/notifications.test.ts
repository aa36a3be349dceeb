import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, expectNoSecretsIn, logFromNow, logged, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'notifications-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const SITE_URL = 'https://site.example.test';
const USER_UID = 'plugin::users-permissions.user';
const NOTIFY_TABLE = 'imbachat_notify';

// What a failed send carries: none of it may reach an answer or the log.
const FAILED_TITLE = 'Failed-title-marker';
const FAILED_BODY = 'Failed body marker: the words of a private message';
const FAILED_ADDRESS = 'frank.failure@example.test';

let app: TestApp;
let smtp: TestSmtp;

const notify = (body: Record<string, unknown> | string, type: 'json' | 'form' = 'json') =>
  app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).type(type).send(body);
const notifications = () => app.strapi.plugin('imbachat').service('notifications') as { idle(): Promise<void> };
/** Notifications on, with whatever else the test needs. */
const turnOn = (values: Record<string, unknown> = {}) => configure(app.strapi, { notifyByEmail: true, ...values });
/** The messages that arrived for an address, once every accepted notification is done with. */
const mailTo = async (address: string) => {
  await notifications().idle();
  return smtp.received.filter((message) => message.envelopeTo.includes(address));
};
const ok = (data: object) => ({ code: 200, version: 1, data });

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: { ...smtp.env, PUBLIC_URL: SITE_URL } });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, FAILED_TITLE, FAILED_BODY, FAILED_ADDRESS]);
  } finally {
    await app?.close();
    await smtp?.stop();
  }
});
// Each test starts from the settings above (notifications off) and puts back what it changes.
restoreAfterEach(() => app);

describe('POST /api/imbachat/v1/notifications', () => {
  it('asks for the chat server\'s Basic credentials, as every chat-server route does', async () => {
    const anonymous = await app.http().post('/api/imbachat/v1/notifications').send({ user_id: 1, title: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="ImbaChat"');
    expect(anonymous.body).toEqual({ code: 401, version: 1, error: 'Authenticate required!', debug: '' });
    const wrong = await app.http().post('/api/imbachat/v1/notifications').set('Authorization', basic(LOGIN, 'wrong')).send({ user_id: 1, title: 'x' });
    expect(wrong.status).toBe(401);
  });

  it('is off by default: both forms answer so, and nothing is sent', async () => {
    const user = await createSiteUser(app.strapi, { username: 'offuser' });
    const before = smtp.received.length;
    const off = ok({ sent: false, reason: 'notifications-off' });
    expect((await notify({ user_id: user.id, title: 'Hello', body: 'Hi' })).body).toEqual(off);
    expect((await notify({ email_to: user.email, title: 'Hello', body: 'Hi' })).body).toEqual(off);
    await notifications().idle();
    expect(smtp.received.length).toBe(before);
  });

  it('emails the user by user_id through Strapi\'s email provider, the templates filled and the HTML escaped', async () => {
    const user = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice & <Co>' });
    await turnOn({ notifySubject: 'New on {siteUrl}: {title}', notifyText: 'Hi {name},\n\n{title}\n{body}\n\nReply on {siteUrl}' });
    const title = '<script>alert(1)</script>';
    const res = await notify({ user_id: user.id, title, body: 'Line one\nLine <b>two</b> & "more"' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ok({ sent: true }));

    const [{ mail, envelopeTo }] = await mailTo(user.email);
    expect(envelopeTo).toEqual([user.email]);
    expect(mail.from?.value).toEqual([{ address: 'site@example.test', name: 'Test Site' }]);
    expect(mail.subject).toBe(`New on ${SITE_URL}: ${title}`);
    expect(mail.text?.trim()).toBe(`Hi Alice & <Co>,\n\n${title}\nLine one\nLine <b>two</b> & "more"\n\nReply on ${SITE_URL}`);
    const html = String(mail.html);
    expect(html).toContain('<p>Hi Alice &amp; &lt;Co&gt;,</p>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>\nLine one<br>\nLine &lt;b&gt;two&lt;/b&gt; &amp; &quot;more&quot;');
    expect(html).toContain(`<a href="${SITE_URL}">${SITE_URL}</a>`);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
  });

  it('takes a form body as well as JSON', async () => {
    const user = await createSiteUser(app.strapi, { username: 'formuser' });
    await turnOn();
    const res = await notify(`user_id=${user.id}&title=From+a+form&body=Hello%0Athere`, 'form');
    expect(res.body).toEqual(ok({ sent: true }));
    const [{ mail }] = await mailTo(user.email);
    expect(mail.text).toContain('From a form\nHello\nthere');
  });

  it('answers email_to alike for a user, a blocked user and an unknown address, and mails only the user', async () => {
    const carol = await createSiteUser(app.strapi, { username: 'carol' });
    const dave = await createSiteUser(app.strapi, { username: 'dave', blocked: true });
    await turnOn();
    const answers: Awaited<ReturnType<typeof notify>>[] = [];
    for (const address of [carol.email.toUpperCase(), dave.email, 'nobody@example.test']) {
      answers.push(await notify({ email_to: address, title: 'Hello', body: 'You have a message' }));
    }
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok({ accepted: true }));
      expect(res.text).toBe(answers[0].text);
      expect(res.headers['content-type']).toBe(answers[0].headers['content-type']);
    }
    // Sent to the address the site has, not the spelling asked for.
    expect(await mailTo(carol.email)).toHaveLength(1);
    expect(await mailTo(dave.email)).toHaveLength(0);
    expect(await mailTo('nobody@example.test')).toHaveLength(0);
  });

  it('sends at most one email per user per window, counts the others, and sends again once the window has passed', async () => {
    const user = await createSiteUser(app.strapi, { username: 'erin' });
    await turnOn({ notifyEveryMinutes: 1 });
    const message = { user_id: user.id, title: 'Hello', body: 'Again' };
    expect((await notify(message)).body).toEqual(ok({ sent: true }));
    const second = await notify(message);
    expect(second.body).toEqual(ok({ sent: false, reason: 'rate-limited', skipped: 1, retry_after: expect.any(Number) }));
    expect(second.body.data.retry_after).toBeGreaterThan(0);
    expect(second.body.data.retry_after).toBeLessThanOrEqual(60);
    // By address too: the same window, counted, and the answer unchanged.
    expect((await notify({ email_to: user.email, title: 'Hello', body: 'Again' })).body).toEqual(ok({ accepted: true }));
    await notifications().idle();
    expect((await notify(message)).body).toEqual(ok({ sent: false, reason: 'rate-limited', skipped: 3, retry_after: expect.any(Number) }));
    expect(await mailTo(user.email)).toHaveLength(1);

    // The window's start moved back past its length: as if a minute went by.
    await app.strapi.db.connection(NOTIFY_TABLE).where({ user_id: user.id }).decrement('sent_at', 60_001);
    expect((await notify(message)).body).toEqual(ok({ sent: true }));
    expect(await mailTo(user.email)).toHaveLength(2);
    const row = await app.strapi.db.connection(NOTIFY_TABLE).where({ user_id: user.id }).first();
    expect(Number(row.skipped)).toBe(0);
  });

  it('of several notifications at once, exactly one is emailed and each other is counted once', async () => {
    const user = await createSiteUser(app.strapi, { username: 'henry' });
    await turnOn();
    const answers = await Promise.all(Array.from({ length: 6 }, () => notify({ user_id: user.id, title: 'Hello', body: 'At once' })));
    const data = answers.map((res) => res.body.data as { sent: boolean; skipped?: number });
    expect(data.filter((one) => one.sent)).toHaveLength(1);
    expect(data.filter((one) => !one.sent).map((one) => one.skipped).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await mailTo(user.email)).toHaveLength(1);
  });

  it('never emails a blocked user, a user without an address or an unknown id, and says why', async () => {
    const blocked = await createSiteUser(app.strapi, { username: 'blockedbob', blocked: true });
    const noEmail = await createSiteUser(app.strapi, { username: 'noemail' });
    await app.strapi.db.query(USER_UID).update({ where: { id: noEmail.id }, data: { email: null } });
    await turnOn();
    const before = smtp.received.length;
    const send = (user_id: number) => notify({ user_id, title: 'Hello', body: 'Hi' });
    expect((await send(blocked.id)).body).toEqual(ok({ sent: false, reason: 'blocked' }));
    expect((await send(noEmail.id)).body).toEqual(ok({ sent: false, reason: 'no-email' }));
    expect((await send(987654)).body).toEqual(ok({ sent: false, reason: 'unknown-user' }));
    expect((await send(99999999999)).body).toEqual(ok({ sent: false, reason: 'unknown-user' }));
    await notifications().idle();
    expect(smtp.received.length).toBe(before);
  });

  it('answers a provider failure with 502 in ImbaChat\'s shape and logs it without the message or the address', async () => {
    const frank = await createSiteUser(app.strapi, { username: 'frank', email: FAILED_ADDRESS });
    await turnOn();
    const log = logFromNow(app);
    smtp.refuseRecipients = `Mailbox ${FAILED_ADDRESS} is unavailable, ask postmaster@example.test`;
    try {
      const res = await notify({ user_id: frank.id, title: FAILED_TITLE, body: FAILED_BODY });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ code: 502, version: 1, error: "The site's email provider could not send the notification email", debug: '' });
    } finally {
      smtp.refuseRecipients = null;
    }
    const text = await logged(log, `notification email to user ${frank.id}`);
    expect(text).toMatch(new RegExp(`notification email to user ${frank.id} was not sent: Strapi's email provider \\(nodemailer\\) failed: .*550 Mailbox … is unavailable, ask <address>`));
    for (const secret of [FAILED_TITLE, FAILED_BODY, FAILED_ADDRESS]) expect(text).not.toContain(secret);
    // The failed email did not use up the user's window.
    expect((await notify({ user_id: frank.id, title: 'Hello', body: 'Hi' })).body).toEqual(ok({ sent: true }));
    expect(await mailTo(FAILED_ADDRESS)).toHaveLength(1);
  });

  it('logs a failure to mail an email_to address, answers as always, then 502 for any address while the provider is failing', async () => {
    const grace = await createSiteUser(app.strapi, { username: 'grace' });
    await turnOn();
    const log = logFromNow(app);
    const failing = { code: 502, version: 1, error: "The site's email provider is failing: notification emails are not sent for a minute after a failure", debug: '' };
    await smtp.stop();
    try {
      const res = await notify({ email_to: grace.email, title: FAILED_TITLE, body: FAILED_BODY });
      expect(res.body).toEqual(ok({ accepted: true }));
      await notifications().idle();
      // The provider failed: for a minute every email_to answers so at once, a user's address or nobody's alike.
      const user = await notify({ email_to: grace.email, title: 'Hello' });
      const nobody = await notify({ email_to: 'nobody.here@example.test', title: 'Hello' });
      for (const answer of [user, nobody]) {
        expect(answer.status).toBe(502);
        expect(answer.body).toEqual(failing);
      }
      // A minute later the next one is tried again, after its answer.
      const realNow = Date.now;
      const later = realNow() + 61_000;
      jest.spyOn(Date, 'now').mockImplementation(() => later);
      try {
        expect((await notify({ email_to: 'nobody.here@example.test', title: 'Hello' })).body).toEqual(ok({ accepted: true }));
      } finally {
        jest.restoreAllMocks();
      }
      await notifications().idle();
    } finally {
      await smtp.start();
    }
    const text = await logged(log, `notification email to user ${grace.id}`);
    expect(text).toContain('ECONNREFUSED');
    for (const secret of [FAILED_TITLE, FAILED_BODY, grace.email]) expect(text).not.toContain(secret);
    expect(await mailTo(grace.email)).toHaveLength(0);
    // Nobody's address was tried, so the provider still counts as failing; an email that goes ends it.
    expect((await notify({ email_to: grace.email, title: 'Hello' })).status).toBe(502);
    expect((await notify({ user_id: grace.id, title: 'Back' })).body).toEqual(ok({ sent: true }));
    // The user's window was used by the email just sent: cleared, so the next one may go.
    await app.strapi.db.connection(NOTIFY_TABLE).where('user_id', grace.id).del();
    expect((await notify({ email_to: grace.email, title: 'Again' })).body).toEqual(ok({ accepted: true }));
    expect(await mailTo(grace.email)).toHaveLength(2);
  });

  it.each([
    ['no recipient', { title: 'Hello' }],
    ['both user_id and email_to', { title: 'Hello', user_id: 1, email_to: 'a@example.test' }],
    ['neither title nor body', { user_id: 1, title: ' ', body: '' }],
    ['a user_id of 0', { user_id: 0, title: 'Hello' }],
    ['a negative user_id', { user_id: -1, title: 'Hello' }],
    ['a fractional user_id', { user_id: 1.5, title: 'Hello' }],
    ['a user_id that is no number', { user_id: 'abc', title: 'Hello' }],
    ['an email_to that is no address', { email_to: 'not-an-address', title: 'Hello' }],
    ['an email_to naming two addresses', { email_to: 'a@example.test,b@example.test', title: 'Hello' }],
    ['a title of 201 characters', { user_id: 1, title: 'x'.repeat(201) }],
    ['a body of 5001 characters', { user_id: 1, title: 'Hello', body: 'x'.repeat(5001) }],
    ['a title that is a list', { user_id: 1, title: ['a', 'b'] }],
  ])('answers 400 in ImbaChat\'s shape for %s', async (_, body) => {
    await turnOn();
    const res = await notify(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ code: 400, version: 1, error: expect.any(String), debug: '' });
  });

  it('counts characters, not UTF-16 units: a title of 200 emoji is taken', async () => {
    const user = await createSiteUser(app.strapi, { username: 'emoji' });
    await turnOn();
    expect((await notify({ user_id: user.id, title: '😀'.repeat(200) })).body).toEqual(ok({ sent: true }));
    expect(await mailTo(user.email)).toHaveLength(1);
  });
});

// Several processes on one SQLite file is not a setup Strapi supports: PostgreSQL and MySQL only.
(process.env.DATABASE_CLIENT && process.env.DATABASE_CLIENT !== 'sqlite' ? describe : describe.skip)('two instances on one database', () => {
  let b: ChildProcess | undefined;
  afterAll(() => {
    b?.kill('SIGTERM');
  });

  it('share each user\'s window: of notifications to both at once, exactly one is emailed', async () => {
    // Instance B inherits this process's environment: the same database and SMTP server.
    b = spawn(process.execPath, [path.join(__dirname, '..', 'helpers', 'second-instance.js')], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const bUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      b!.stdout!.on('data', (chunk) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{"port"'));
        if (line) resolve(`http://127.0.0.1:${JSON.parse(line).port}`);
      });
      b!.on('exit', (code) => reject(new Error(`instance B exited with ${code}`)));
    });
    const onB = (body: object) => request(bUrl).post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send(body);

    const blocked = await createSiteUser(app.strapi, { username: 'twoblocked', blocked: true });
    const user = await createSiteUser(app.strapi, { username: 'twoinstances' });
    await turnOn();
    // B sees the setting within its settings cache: a blocked user's answer tells when.
    const started = Date.now();
    while ((await onB({ user_id: blocked.id, title: 'x' })).body.data?.reason !== 'blocked' && Date.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const message = { user_id: user.id, title: 'Hello', body: 'From two instances' };
    const answers = await Promise.all([...Array.from({ length: 3 }, () => notify(message)), ...Array.from({ length: 3 }, () => onB(message))]);
    const data = answers.map((res) => res.body.data as { sent: boolean; skipped?: number });
    expect(data.filter((one) => one.sent)).toHaveLength(1);
    expect(data.filter((one) => !one.sent).map((one) => one.skipped).sort()).toEqual([1, 2, 3, 4, 5]);
    // Had B sent a second email, it would be in by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailTo(user.email)).toHaveLength(1);
  });
});
