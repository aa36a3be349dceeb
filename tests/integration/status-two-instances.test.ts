import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { startSecondInstance, type SecondInstance } from '../helpers/instance';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #20: the status and the lockouts are shared by every instance on the database. Several
// processes on one SQLite file is not a setup Strapi supports, so this runs on PostgreSQL and MySQL.
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const describeShared = client === 'sqlite' ? describe.skip : describe;

const LOGIN = 'chat';
const PASSWORD = 'status-two-instances-password';
const RIGHT = basic(LOGIN, PASSWORD);
/** The throttle's default: B runs with the playground's config, which sets none. */
const BASIC_MAX = 50;

let a: TestApp;
let b: SecondInstance;
let token: string;

/** A request to B from `ip`, as the proxy in front of it reports the client (PROXY_KOA). */
const onB = (ip: string, auth: string) => fetch(`${b.url}/api/imbachat/v1/users/1`, { headers: { Authorization: auth, 'X-Forwarded-For': ip } });
const statusOnA = async () => {
  const res = await a.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return res.body.data as { routes: { route: string; lastCall: { ip: string; status: number } | null }[]; lockouts: { key: string; subject: string }[] };
};
/** Milliseconds until `check` holds, polling every 50 ms; Infinity when it never does. */
const timeUntil = async (check: () => Promise<boolean>, limitMs: number) => {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Infinity;
};

describeShared('the status on two instances sharing one database', () => {
  beforeAll(async () => {
    a = await startStrapi({ env: { PROXY_KOA: 'true', PROXY_MAX_IPS: '1' } });
    await configure(a.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
    token = await adminToken(a, await createAdmin(a.strapi, [await superAdminRoleId(a.strapi)]));
    // B inherits the environment startStrapi set: the same database, the same proxy settings.
    b = await startSecondInstance();
  });
  afterAll(async () => {
    b?.process.kill('SIGTERM');
    await new Promise((resolve) => b?.process.once('exit', resolve));
    await a?.close();
  });

  it('shows on A a call B answered, within seconds (B writes its calls every 5 s)', async () => {
    const ip = '198.51.100.41';
    expect((await onB(ip, RIGHT)).status).toBe(200);
    const seen = await timeUntil(async () => (await statusOnA()).routes.find((route) => route.route === 'usersInfo')?.lastCall?.ip === ip, 10_000);
    expect(seen).toBeLessThan(8000);
    expect((await statusOnA()).routes.find((route) => route.route === 'usersInfo')?.lastCall).toMatchObject({ status: 200, ip });
  });

  it('an Unlock on A lets the address in on B within seconds, though B holds the lockout in memory', async () => {
    const ip = '198.51.100.42';
    for (let i = 0; i < BASIC_MAX; i += 1) expect((await onB(ip, basic(LOGIN, `guess-${i}`))).status).toBe(401);
    expect((await onB(ip, RIGHT)).status).toBe(429);
    // B checks its lockout against the table now and then; the table still has it, so it stays.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await onB(ip, RIGHT)).status).toBe(429);

    const lockout = (await statusOnA()).lockouts.find((entry) => entry.subject === ip);
    expect(lockout).toBeDefined();
    const res = await a.http().delete(`/imbachat/status/lockouts/${lockout!.key}`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const letIn = await timeUntil(async () => (await onB(ip, RIGHT)).status === 200, 10_000);
    if (process.env.IMBACHAT_PRINT_DELAYS) process.stdout.write(`B let the address in ${letIn} ms after the Unlock on A\n`);
    expect(letIn).toBeLessThan(3000);
  });
});
