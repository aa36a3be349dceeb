import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'webhook-api-password-1';
const EVENT = 'imbachat.notification';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let app: TestApp;
let smtp: TestSmtp;
let hook: http.Server;
let hookUrl: string;
let received: Received[] = [];
let hookDelayMs = 0;
let token: string;

const notify = (body: Record<string, unknown>) =>
  app.http().post('/api/imbachat/v1/notifications').set('Authorization', basic(LOGIN, PASSWORD)).send(body);

/** The webhook calls that arrived, once `count` of them have (or after `timeoutMs`). */
const calls = async (count: number, timeoutMs = 5000) => {
  const started = Date.now();
  while (received.length < count && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
  // A little longer: a call too many would show up here.
  await new Promise((resolve) => setTimeout(resolve, 150));
  return received;
};

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      setTimeout(() => {
        received.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(200).end('ok');
      }, hookDelayMs);
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/push`;
  smtp = await startSmtp();
  app = await startStrapi({ env: smtp.env });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
  // Made as a site admin makes it: Strapi's own webhooks API, which accepts only allowed events.
  const created = await app
    .http()
    .post('/admin/webhooks')
    .set('Authorization', `Bearer ${token}`)
    .send({ name: 'push', url: hookUrl, headers: { 'X-Push-Key': 'k-1' }, events: [EVENT] });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
    await smtp?.stop();
    await new Promise((resolve) => hook?.close(resolve));
  }
});
beforeEach(() => {
  received = [];
  hookDelayMs = 0;
});
restoreAfterEach(() => app);

describe('the imbachat.notification webhook event', () => {
  it('is an event Strapi accepts for webhooks, and a name it does not know is refused', async () => {
    expect(app.strapi.get('webhookStore').listAllowedEvents()).toContain('IMBACHAT_NOTIFICATION');
    expect(app.strapi.get('webhookStore').getAllowedEvent('IMBACHAT_NOTIFICATION')).toBe(EVENT);
    const refused = await app
      .http()
      .post('/admin/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'bad', url: hookUrl, headers: {}, events: ['imbachat.unknown'] });
    expect(refused.status).toBe(400);
  });

  it('carries a notification by user_id with email off: {event, createdAt, user_id, title, body}', async () => {
    const res = await notify({ user_id: 42, title: 'New message', body: 'Hi there' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ sent: false, reason: 'notifications-off' });
    const [call, ...more] = await calls(1);
    expect(more).toEqual([]);
    expect(call.headers['x-strapi-event']).toBe(EVENT);
    expect(call.headers['x-push-key']).toBe('k-1');
    expect(call.body).toEqual({ event: EVENT, createdAt: expect.any(String), user_id: 42, title: 'New message', body: 'Hi there' });
  });

  it('names the user an email_to belongs to (any case), and null for an address nobody has', async () => {
    const frida = await createSiteUser(app.strapi, { username: 'frida-hook', email: 'frida.hook@example.test' });
    expect((await notify({ email_to: 'Frida.Hook@example.test', title: 'To frida' })).status).toBe(200);
    expect((await notify({ email_to: 'nobody.here@example.test', title: 'To nobody' })).status).toBe(200);
    const got = await calls(2);
    expect(got.map((call) => call.body).sort((a, b) => String(a.title).localeCompare(String(b.title)))).toEqual([
      { event: EVENT, createdAt: expect.any(String), user_id: frida.id, title: 'To frida', body: '' },
      { event: EVENT, createdAt: expect.any(String), user_id: null, title: 'To nobody', body: '' },
    ]);
  });

  it('is emitted with email on too, beside the email', async () => {
    await configure(app.strapi, { notifyByEmail: true });
    const gus = await createSiteUser(app.strapi, { username: 'gus-hook', email: 'gus.hook@example.test' });
    const res = await notify({ user_id: gus.id, title: 'Hello gus', body: 'b' });
    expect(res.body.data).toEqual({ sent: true });
    expect(smtp.received.some((mail) => mail.envelopeTo.includes('gus.hook@example.test'))).toBe(true);
    const [call] = await calls(1);
    expect(call.body).toMatchObject({ event: EVENT, user_id: gus.id, title: 'Hello gus', body: 'b' });
    await app.strapi.plugin('imbachat').service('notifications').idle();
  });

  it('never holds the answer back: a slow webhook receiver does not delay the chat server', async () => {
    hookDelayMs = 1500;
    const started = Date.now();
    const res = await notify({ email_to: 'slow.hook@example.test', title: 'Slow' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await calls(1))[0].body).toMatchObject({ title: 'Slow', user_id: null });
  });

  it('is not emitted for a notification refused at the edge (no title nor body)', async () => {
    expect((await notify({ user_id: 5 })).status).toBe(400);
    expect(await calls(1, 800)).toEqual([]);
  });
});
