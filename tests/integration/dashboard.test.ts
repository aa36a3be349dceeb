import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { adminToken, createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, expectNoSecretsIn, logFromNow, logged, startStrapi, type TestApp } from '../helpers/strapi';

// The secret carries characters a form must encode: what the stand-in API receives proves it was sent right.
const SECRET = 'dashboard-secret key+&=1';
const WIDGET = 'w-dash.7';
const CONFIG = 'plugin::imbachat';

interface Asked {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

/** A stand-in for ImbaChat's API on 127.0.0.1: answers as `reply` says and records what it was asked. */
let api: http.Server;
let apiUrl: string;
let asked: Asked[] = [];
let reply: (res: http.ServerResponse) => void;
const json = (status: number, body: unknown) => (res: http.ServerResponse) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

let app: TestApp;
let superToken: string;
let superEmail: string;

const openDashboard = (token = superToken) => app.http().post('/imbachat/dashboard').set('Authorization', `Bearer ${token}`).send({});
const tokenOf = (url: string) => url.slice(url.indexOf('/auth/') + '/auth/'.length);

beforeAll(async () => {
  api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      asked.push({ method: req.method ?? '', url: req.url ?? '', contentType: String(req.headers['content-type']), body });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  app = await startStrapi({ env: { LOG_LEVEL: 'info' } });
  superEmail = await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]);
  superToken = await adminToken(app, superEmail);
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2)]);
  } finally {
    await app?.close();
    await new Promise((resolve) => api?.close(resolve));
  }
});
// First: what the tests below change is read before this file's own beforeEach sets it.
restoreAfterEach(() => app, { config: [`${CONFIG}.imbachatApiUrl`, `${CONFIG}.dashboardTimeoutMs`] });
beforeEach(async () => {
  asked = [];
  reply = json(200, { success: true, id: 77 });
  app.strapi.config.set(`${CONFIG}.imbachatApiUrl`, apiUrl);
  await configure(app.strapi, { widgetId: WIDGET, secretKey: SECRET });
});

describe('POST /imbachat/dashboard', () => {
  it("asks ImbaChat's API for the support user with the secret as a form field, and signs them in as admin", async () => {
    const read = logFromNow(app);
    const before = Math.floor(Date.now() / 1000);
    const res = await openDashboard();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(asked).toEqual([
      {
        method: 'POST',
        url: `/imbachat/v1/${encodeURIComponent(WIDGET)}/get_user_support`,
        contentType: 'application/x-www-form-urlencoded',
        body: expect.any(String),
      },
    ]);
    expect(Object.fromEntries(new URLSearchParams(asked[0].body))).toEqual({ secret: SECRET });

    const prefix = `https://dashboard.imbachat.com/#/${encodeURIComponent(WIDGET)}/auth/`;
    expect(res.body).toEqual({ url: expect.stringMatching(/^https:\/\/dashboard\.imbachat\.com\/#\//) });
    expect(res.body.url.startsWith(prefix)).toBe(true);
    const token = tokenOf(res.body.url);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['exp', 'user_id', 'user_role', 'back_to']);
    expect(payload).toEqual({ exp: expect.any(Number), user_id: 77, user_role: 'admin', back_to: app.strapi.config.get('admin.absoluteUrl') });
    expect(String(payload.back_to)).toMatch(/^https?:\/\/.+\/admin$/);
    expect(payload.exp as number).toBeGreaterThanOrEqual(before + 7 * 3600);
    expect(payload.exp as number).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 7 * 3600);

    const log = await logged(read, 'opened the moderation dashboard');
    const lines = log.split('\n').filter((line) => line.includes('moderation dashboard'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`admin #\\d+ \\(${superEmail.replace('.', '\\.')}\\) opened the moderation dashboard at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z as support user 77`));
    expect(log).not.toContain(token);
  });

  it('takes the support id as a string of digits too', async () => {
    reply = json(200, { success: true, id: '12' });
    const res = await openDashboard();
    expect(jwt.verify(tokenOf(res.body.url), SECRET)).toMatchObject({ user_id: 12 });
  });

  it.each([
    ['success false', { success: false }],
    ['no id', { success: true }],
    ['an empty id', { success: true, id: '' }],
  ])('sends the admin to the sign-in page when the widget has no support user (%s)', async (_what, answer) => {
    reply = json(200, answer);
    const res = await openDashboard();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: `https://dashboard.imbachat.com/#/${encodeURIComponent(WIDGET)}/signIn` });
  });

  it.each([
    ['a 5xx', json(503, { error: 'down' }), /ImbaChat's API answered HTTP 503/],
    ['a 4xx', json(404, { error: 'no such widget' }), /ImbaChat's API answered HTTP 404/],
    ['something not JSON', (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>oops</html>'), /not JSON \(text\/html\)/],
    ['an id that is no number', json(200, { success: true, id: 'x' }), /support user id that is not a positive whole number/],
  ])('answers 502 with the reason when the API answers %s', async (_what, answer, reason) => {
    reply = answer;
    const res = await openDashboard();
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ status: 502, message: expect.stringMatching(reason) });
  });

  it('follows no redirect: the secret goes to the configured address only (502)', async () => {
    reply = (res) => res.writeHead(307, { Location: `${apiUrl}/elsewhere?secret=${encodeURIComponent(SECRET)}` }).end();
    const read = logFromNow(app);
    const res = await openDashboard();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/answered a redirect \(307\), which is not followed/);
    expect(asked.map((request) => request.url)).toEqual([`/imbachat/v1/${encodeURIComponent(WIDGET)}/get_user_support`]);
    expect(await logged(read, 'was not opened')).toMatch(/The moderation dashboard was not opened for admin #\d+ .*redirect/);
  });

  it('gives up after dashboardTimeoutMs (502)', async () => {
    app.strapi.config.set(`${CONFIG}.dashboardTimeoutMs`, 200);
    reply = (res) => setTimeout(() => json(200, { success: true, id: 1 })(res), 1500);
    const started = Date.now();
    const res = await openDashboard();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/did not answer within 0\.2 s/);
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('answers 502 when the API cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    app.strapi.config.set(`${CONFIG}.imbachatApiUrl`, `http://127.0.0.1:${port}`);
    const res = await openDashboard();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });

  it('answers 503 with the reason while the widget id or the secret key is not set, and asks nothing', async () => {
    await configure(app.strapi, { secretKey: null });
    const res = await openDashboard();
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/secret key/);
    await configure(app.strapi, { secretKey: SECRET, widgetId: null });
    expect((await openDashboard()).status).toBe(503);
    expect(asked).toEqual([]);
  });

  it('refuses an imbachatApiUrl over plain http to another host, even one set after start-up (503)', async () => {
    app.strapi.config.set(`${CONFIG}.imbachatApiUrl`, 'http://api.imbachat.example');
    const res = await openDashboard();
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/imbachatApiUrl must be https/);
  });

  describe('RBAC', () => {
    it('answers 403 to an admin whose role lacks plugin::imbachat.dashboard.open, settings permissions or not', async () => {
      const settingsOnly = await createRole(app.strapi, 'ImbaChat settings', ['plugin::imbachat.settings.read', 'plugin::imbachat.settings.update']);
      const res = await openDashboard(await adminToken(app, await createAdmin(app.strapi, [settingsOnly])));
      expect(res.status).toBe(403);
      expect(asked).toEqual([]);
    });

    it('lets an admin with that action alone open it', async () => {
      const moderator = await createRole(app.strapi, 'ImbaChat moderator', ['plugin::imbachat.dashboard.open']);
      const res = await openDashboard(await adminToken(app, await createAdmin(app.strapi, [moderator])));
      expect(res.status).toBe(200);
      expect(res.body.url).toContain('/auth/');
    });

    it('answers 401 without an admin JWT', async () => {
      expect((await app.http().post('/imbachat/dashboard').send({})).status).toBe(401);
    });
  });
});
