import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { basic, createSiteUser, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

// Two instances behind a load balancer share one database: a change saved on A must be honoured by
// B within 1 second (settingsCacheMs, 750 ms by default, plus one read). Several processes on one
// SQLite file is not a setup Strapi supports, so this runs on PostgreSQL and MySQL.
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const describeShared = client === 'sqlite' ? describe.skip : describe;
const BOUND_MS = 1000;

let a: TestApp;
let b: ChildProcess;
let bUrl: string;
let adminJwt: string;
let user: { id: number };

const startB = () =>
  new Promise<string>((resolve, reject) => {
    b = spawn(process.execPath, [path.join(__dirname, '..', 'helpers', 'second-instance.js')], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    b.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(`http://127.0.0.1:${JSON.parse(line).port}`);
    });
    b.on('exit', (code) => reject(new Error(`instance B exited with ${code}`)));
  });

/** Milliseconds until `check` holds on instance B, polling every 25 ms. */
const timeUntil = async (check: () => Promise<boolean>, limitMs = 5000) => {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Infinity;
};

const save = (values: object) => a.http().put('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`).send(values).expect(200);

/** What every test starts from, saved through A. */
const BASELINE = { widgetId: 'w0', apiLogin: 'chat', apiPassword: 'password-0', secretKey: 'secret-0-0123456789abcdef' };

describeShared('two instances on one database', () => {
  beforeAll(async () => {
    // The tests poll B with passwords it has not seen yet: its Basic-check throttle (tested in
    // throttle.test.ts) must not lock this machine out, whatever order the tests run in. B inherits the env.
    a = await startStrapi({ env: { IMBACHAT_TRUSTED_IPS: '127.0.0.1,::1' } });
    adminJwt = await adminToken(a, await createAdmin(a.strapi, [await superAdminRoleId(a.strapi)]));
    user = await createSiteUser(a.strapi);
    await save(BASELINE);
    bUrl = await startB();
  });
  // Whatever an earlier test saved, each starts from the baseline, once B has seen it too (B reads
  // all settings at once: a widget id of this test's own tells when; the public widget route, so no
  // failed Basic check is counted against this machine).
  let round = 0;
  beforeEach(async () => {
    round += 1;
    const marker = `${BASELINE.widgetId}-${round}`;
    await save({ ...BASELINE, widgetId: marker });
    const seen = await timeUntil(async () => ((await (await fetch(`${bUrl}/api/imbachat/widget`)).json()) as { widget_id: string }).widget_id === marker);
    if (seen === Infinity) throw new Error('instance B never saw the baseline settings');
  });
  afterAll(async () => {
    b?.kill('SIGTERM');
    await new Promise((resolve) => b?.once('exit', resolve));
    await a?.close();
  });

  it.each([1, 2, 3])('B honours change %i saved through A within 1 s: widget, chat-server password, token key', async (n) => {
    // Let B cache the current settings first, so the change lands mid-way through its cache.
    await fetch(`${bUrl}/api/imbachat/widget`);
    await new Promise((resolve) => setTimeout(resolve, 250 * (n - 1)));
    await save({ widgetId: `w${n}`, apiPassword: `password-${n}`, secretKey: `secret-${n}-0123456789abcdef` });
    const jwt = await siteUserJwt(a.strapi, user.id);

    const widget = timeUntil(async () => ((await (await fetch(`${bUrl}/api/imbachat/widget`)).json()) as { widget_id: string }).widget_id === `w${n}`);
    const password = timeUntil(async () => (await fetch(`${bUrl}/api/imbachat/v1/users/${user.id}`, { headers: { Authorization: basic('chat', `password-${n}`) } })).status === 200);
    const token = timeUntil(async () => {
      const body = (await (await fetch(`${bUrl}/api/imbachat/token`, { headers: { Authorization: `Bearer ${jwt}` } })).json()) as { token: string };
      const [header, payload, signature] = String(body.token).split('.');
      return signature === createHmac('sha256', `secret-${n}-0123456789abcdef`).update(`${header}.${payload}`).digest('base64url');
    });
    const delays = await Promise.all([widget, password, token]);
    if (process.env.IMBACHAT_PRINT_DELAYS) process.stdout.write(`change ${n}: B followed in ${delays.join(', ')} ms\n`);
    for (const delay of delays) expect(delay).toBeLessThan(BOUND_MS);
    // And the old password stops working on B.
    expect((await fetch(`${bUrl}/api/imbachat/v1/users/${user.id}`, { headers: { Authorization: basic('chat', BASELINE.apiPassword) } })).status).toBe(401);
  });

  it('share one budget of failed login checks: B refuses what A has nearly used up, with no extra read on a correct request', async () => {
    const password = 'password-budget';
    await save({ apiPassword: password });
    await createSiteUser(a.strapi, { username: 'shared-budget', password: 'Right-pass-1' });
    const checkOn = (base: string, login: string, userPassword: string) =>
      fetch(`${base}/api/imbachat/v1/auth_users`, {
        method: 'POST',
        headers: { Authorization: basic('chat', password), 'Content-Type': 'application/json' },
        body: JSON.stringify({ login, password: userPassword }),
      });
    const aUrl = `http://127.0.0.1:${await new Promise<number>((resolve) => {
      const server = a.strapi.server.httpServer;
      if (server.listening) resolve((server.address() as { port: number }).port);
      else server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    })}`;
    // B has seen the new password (settingsCacheMs) before the count starts.
    expect(await timeUntil(async () => (await checkOn(bUrl, 'nobody-at-all', 'x')).status === 403)).toBeLessThan(BOUND_MS);
    for (let i = 0; i < 9; i += 1) expect((await checkOn(aUrl, 'shared-budget', `guess-${i}`)).status).toBe(403);
    expect((await checkOn(bUrl, 'SHARED-BUDGET', 'guess-9')).status).toBe(403);
    expect((await checkOn(bUrl, 'shared-budget', 'Right-pass-1')).status).toBe(429);
  });
});
