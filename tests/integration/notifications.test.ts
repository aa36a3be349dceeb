import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { startSecondInstance } from '../helpers/instance';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, createSiteUsers, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'notifications-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const SITE_URL = 'https://site.example.test';
const USER_UID = 'plugin::users-permissions.user';
const NOTIFY_TABLE = 'imbachat_notify';
const MINUTE_TABLE = 'imbachat_notify_minute';
const OUTBOX_TABLE = 'imbachat_outbox';
// Control and format characters (Unicode categories Cc and Cf), line breaks aside.
const INVISIBLE = /(?!\n)[\p{Cc}\p{Cf}]/u;


let app: TestApp;
let smtp: TestSmtp;

const notify = (body: Record<string, unknown> | string, type: 'json' | 'form' = 'json') =>
  app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).type(type).send(body);
const notifications = () => app.strapi.plugin('imbachat').service('notifications') as { idle(): Promise<void> };
const outbox = () => app.strapi.plugin('imbachat').service('outbox') as { drain(): Promise<void> };
const outboxRows = () => app.strapi.db.connection(OUTBOX_TABLE).select('*');
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
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
    await smtp?.stop();
  }
});
// Each test starts from the settings above (notifications off) and puts back what it changes.
restoreAfterEach(() => app, { config: ['server.url'] });

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

  it('never emails an account whose address was not confirmed, by user_id or by email_to', async () => {
    const unconfirmed = await createSiteUser(app.strapi, { username: 'unconfirmed', email: 'victim@corp.example', confirmed: false });
    await turnOn();
    expect((await notify({ user_id: unconfirmed.id, title: 'Invoice', body: 'Click here' })).body).toEqual(ok({ sent: false, reason: 'unconfirmed' }));
    expect((await notify({ email_to: 'victim@corp.example', title: 'Invoice', body: 'Click here' })).body).toEqual(ok({ accepted: true }));
    expect(await mailTo('victim@corp.example')).toHaveLength(0);
    // Confirmed, the same account is mailed.
    await app.strapi.db.query(USER_UID).update({ where: { id: unconfirmed.id }, data: { confirmed: true } });
    expect((await notify({ user_id: unconfirmed.id, title: 'Hello' })).body).toEqual(ok({ sent: true }));
    expect(await mailTo('victim@corp.example')).toHaveLength(1);
  });

  it('sends at most notifyMaxPerMinute emails for the whole site; the rest wait in the outbox for the next minute', async () => {
    const users = await createSiteUsers(app.strapi, ['sitecap1', 'sitecap2', 'sitecap3']);
    await turnOn({ notifyMaxPerMinute: 2 });
    await app.strapi.db.connection(MINUTE_TABLE).del();
    const answers = [];
    for (const user of users) answers.push((await notify({ user_id: user.id, title: 'Hello' })).body.data);
    expect(answers.slice(0, 2)).toEqual([{ sent: true }, { sent: true }]);
    expect(answers[2]).toEqual({ sent: false, queued: true, reason: 'site-limit', retry_after: expect.any(Number) });
    expect(answers[2].retry_after).toBeGreaterThan(0);
    expect(answers[2].retry_after).toBeLessThanOrEqual(60);
    // By address as well: accepted, and held back the same way.
    const fourth = await createSiteUser(app.strapi, { username: 'sitecap4' });
    expect((await notify({ email_to: fourth.email, title: 'Hello' })).body).toEqual(ok({ accepted: true }));
    expect(await mailTo(users[2].email)).toHaveLength(0);
    expect(await mailTo(fourth.email)).toHaveLength(0);
    expect(await outboxRows()).toHaveLength(2);

    // A minute later (its count gone, the rows due), the outbox sends them.
    await app.strapi.db.connection(MINUTE_TABLE).del();
    await app.strapi.db.connection(OUTBOX_TABLE).update({ next_at: 0 });
    await outbox().drain();
    expect(await mailTo(users[2].email)).toHaveLength(1);
    expect(await mailTo(fourth.email)).toHaveLength(1);
    expect(await outboxRows()).toHaveLength(0);
  });

  it('answers every email_to alike, and a recipient the mail server refuses holds back nobody else', async () => {
    const refused = await createSiteUser(app.strapi, { username: 'refusedrita', email: 'rita.refused@example.test' });
    const healthy = await createSiteUser(app.strapi, { username: 'healthyhal' });
    await turnOn();
    smtp.refuseRecipients = 'Mailbox unavailable';
    smtp.refuseOnly = ['rita.refused@example.test'];
    try {
      const answers = [];
      for (const address of ['rita.refused@example.test', healthy.email, 'nobody.at.all@example.test', 'rita.refused@example.test']) {
        answers.push(await notify({ email_to: address, title: 'Hello', body: 'Hi' }));
        await notifications().idle();
      }
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.text).toBe(answers[0].text);
        expect(res.headers['content-type']).toBe(answers[0].headers['content-type']);
      }
    } finally {
      smtp.refuseRecipients = null;
      smtp.refuseOnly = null;
    }
    expect(await mailTo(healthy.email)).toHaveLength(1);
    expect(await mailTo(refused.email)).toHaveLength(0);
    // The refusals ended those notifications: nothing of them waits.
    expect(await outboxRows()).toHaveLength(0);
  });

  it('takes links from configuration only: siteUrl, else an absolute server.url, else none; never the Host header', async () => {
    const user = await createSiteUser(app.strapi, { username: 'linkslinda' });
    await turnOn({ notifySubject: 'On {siteUrl}: {title}', notifyText: 'Hi {name}\n{title}\nReply on {siteUrl}\nBye' });
    const send = () =>
      app
        .http()
        .post('/api/imbachat/v1/notifications')
        .set('Authorization', AUTH)
        .set('Host', 'evil.example')
        .set('X-Forwarded-Host', 'evil.example')
        .send({ user_id: user.id, title: 'Hello' });
    const lastMail = async () => (await mailTo(user.email)).slice(-1)[0].mail;
    const clearWindow = () => app.strapi.db.connection(NOTIFY_TABLE).where('user_id', user.id).del();

    // server.url is absolute in this suite.
    expect((await send()).body.data).toEqual({ sent: true });
    expect(String((await lastMail()).html)).toContain(`<a href="${SITE_URL}">`);

    await clearWindow();
    await configure(app.strapi, { siteUrl: 'https://www.front.example' });
    expect((await send()).body.data).toEqual({ sent: true });
    expect((await lastMail()).subject).toBe('On https://www.front.example: Hello');
    expect((await lastMail()).text).toContain('Reply on https://www.front.example');

    await clearWindow();
    await configure(app.strapi, { siteUrl: null });
    app.strapi.config.set('server.url', '');
    expect((await send()).body.data).toEqual({ sent: true });
    const mail = await lastMail();
    for (const part of [mail.subject, mail.text, String(mail.html)]) expect(part).not.toContain('evil.example');
    expect(mail.subject).toBe('On : Hello');
    expect(mail.text?.trim()).toBe('Hi linkslinda\nHello\nBye');
    expect(String(mail.html)).not.toContain('<a ');
  });

  it('strips control and Unicode format characters from the subject and the text', async () => {
    const user = await createSiteUser(app.strapi, { username: 'spoofsam' });
    await turnOn({ notifySubject: '{title}', notifyText: '{title}\n{body}' });
    const title = 'Invoice \u202Egnp.exe\u200B\u2066x\u2069\u2067\u2068\u0007\u00AD\uFEFF';
    expect((await notify({ user_id: user.id, title, body: 'Line\u202Eone\ttwo\u0000' })).body.data).toEqual({ sent: true });
    const [{ mail }] = await mailTo(user.email);
    expect(mail.subject).toBe('Invoice gnp.exex');
    expect(mail.text?.trim()).toBe('Invoice gnp.exex\nLineone two');
    for (const part of [mail.subject ?? '', mail.text ?? '', String(mail.html)]) expect(part).not.toMatch(INVISIBLE);
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
    const instance = await startSecondInstance();
    b = instance.process;
    const bUrl = instance.url;
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
