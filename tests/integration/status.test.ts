import { createHash } from 'node:crypto';
import { statusTable } from '../../server/src/repositories/status-table';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import {
  basic,
  configure,
  createSiteUser,
  expectNoSecretsIn,
  logFromNow,
  logged,
  startStrapi,
  type TestApp,
} from '../helpers/strapi';

// Issue #20: the chat server's status. Behind a proxy that appends the address it saw, so each test
// chooses the client address it calls from (playground/config/server.js trusts that last hop).
const LOGIN = 'chat';
const PASSWORD = 'status-suite-password-1';
const RIGHT = basic(LOGIN, PASSWORD);
const USER_PASSWORD = 'Right-pass-1';
const STATUS_TABLE = 'imbachat_status';
const THROTTLE_TABLE = 'imbachat_throttle';
const BASIC_MAX = 3;
const LOGIN_MAX = 2;

interface Call {
  at: string;
  status: number;
  ip: string;
}
interface RouteStatus {
  route: string;
  lastCall: Call | null;
  lastSuccess: Call | null;
  lastFailure: (Call & { reason: string }) | null;
}
interface Lockout {
  key: string;
  kind: string;
  subject: string;
  failures: number;
  until: string;
}
interface StatusData {
  routes: RouteStatus[];
  lockouts: Lockout[];
  lastTest: unknown;
  publicUrl: { url: string; reachable: boolean; problems: string[] };
  now: string;
}

let app: TestApp;
let token: string;

const from = (ip: string) => ({
  users: (auth?: string) => {
    const req = app.http().get('/api/imbachat/v1/users/1').set('X-Forwarded-For', ip);
    return auth ? req.set('Authorization', auth) : req;
  },
  login: (body: object) => app.http().post('/api/imbachat/v1/auth_users').set('X-Forwarded-For', ip).set('Authorization', RIGHT).send(body),
});
const getStatus = () => app.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`);
const statusData = async (): Promise<StatusData> => {
  const res = await getStatus();
  expect(res.status).toBe(200);
  return res.body.data;
};
const routeStatus = async (route: string) => (await statusData()).routes.find((entry) => entry.route === route)!;
const unlock = (key: string) => app.http().delete(`/imbachat/status/lockouts/${key}`).set('Authorization', `Bearer ${token}`);
const statusService = () => app.strapi.plugin('imbachat').service('status') as { flush(): Promise<void> };
const throttleService = () => app.strapi.plugin('imbachat').service('throttle') as { prepare(): Promise<void> };
const knex = () => app.strapi.db.connection;
const storedRows = async () =>
  (await knex()(STATUS_TABLE).select('*')) as { id: string; at_ms: number | string; http_status: number; ip: string | null; reason: string | null }[];
const throttleRowId = (bucket: string, key: string) => createHash('sha256').update(`${bucket}\0${key}`).digest('hex');
/** A client address of each test's own: no test's failures count against another's. */
let addressCounter = 0;
const freshAddress = () => {
  addressCounter += 1;
  return `203.0.113.${addressCounter}`;
};

beforeAll(async () => {
  app = await startStrapi({ env: { PROXY_KOA: 'true', PROXY_MAX_IPS: '1' } });
  app.strapi.config.set('plugin::imbachat.throttle.basicAuth', { max: BASIC_MAX, windowSeconds: 60 });
  app.strapi.config.set('plugin::imbachat.throttle.authUsers', { max: LOGIN_MAX, windowSeconds: 60 });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, USER_PASSWORD]);
  } finally {
    await app?.close();
  }
});
// Each test starts with nothing recorded and no lockout.
beforeEach(async () => {
  await statusService().flush();
  await knex()(STATUS_TABLE).delete();
  await knex()(THROTTLE_TABLE).delete();
});
restoreAfterEach(() => app, { config: ['server.url', 'admin.secrets.encryptionKey', 'plugin::imbachat.throttle.basicAuth'] });

describe('GET /imbachat/status', () => {
  it('lists the six chat-server routes, none called yet, with no lockout and no test', async () => {
    const data = await statusData();
    expect(data.routes).toEqual(
      ['version', 'usersInfo', 'search', 'authUsers', 'notifications', 'friends'].map((route) => ({ route, lastCall: null, lastSuccess: null, lastFailure: null }))
    );
    expect(data.lockouts).toEqual([]);
    expect(data.lastTest).toBeNull();
    expect(Math.abs(Date.parse(data.now) - Date.now())).toBeLessThan(5000);
  });

  it('records a correct call as the last call and the last success: when, the status, the client address', async () => {
    const ip = freshAddress();
    const before = Date.now();
    expect((await from(ip).users(RIGHT)).status).toBe(200);
    const users = await routeStatus('usersInfo');
    expect(users.lastCall).toEqual({ at: expect.any(String), status: 200, ip });
    expect(users.lastSuccess).toEqual(users.lastCall);
    expect(users.lastFailure).toBeNull();
    // On the database's clock, which runs with this machine's here.
    expect(Math.abs(Date.parse(users.lastCall!.at) - before)).toBeLessThan(5000);
    expect((await routeStatus('search')).lastCall).toBeNull();
  });

  it('keeps the last failure and its reason after a later success, and the newest call of any outcome', async () => {
    const ip = freshAddress();
    expect((await from(ip).users(basic(LOGIN, 'wrong'))).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await from(ip).users(RIGHT)).status).toBe(200);
    const users = await routeStatus('usersInfo');
    expect(users.lastFailure).toEqual({ at: expect.any(String), status: 401, ip, reason: 'wrong-credentials' });
    expect(users.lastCall).toEqual({ at: expect.any(String), status: 200, ip });
    expect(Date.parse(users.lastCall!.at)).toBeGreaterThan(Date.parse(users.lastFailure!.at));
  });

  it('tells a request without credentials (the challenge) from wrong credentials', async () => {
    const ip = freshAddress();
    expect((await from(ip).users()).status).toBe(401);
    expect((await routeStatus('usersInfo')).lastFailure).toMatchObject({ status: 401, reason: 'no-credentials', ip });
  });

  it('says locked-out for the 429 of the per-address throttle', async () => {
    const ip = freshAddress();
    for (let i = 0; i < BASIC_MAX; i += 1) expect((await from(ip).users(basic(LOGIN, `guess-${i}`))).status).toBe(401);
    expect((await from(ip).users(RIGHT)).status).toBe(429);
    expect((await routeStatus('usersInfo')).lastFailure).toMatchObject({ status: 429, reason: 'locked-out', ip });
  });

  it('says not-configured for the 503 without an API password', async () => {
    await configure(app.strapi, { apiPassword: null });
    const ip = freshAddress();
    expect((await from(ip).users(RIGHT)).status).toBe(503);
    expect((await routeStatus('usersInfo')).lastFailure).toMatchObject({ status: 503, reason: 'not-configured', ip });
  });

  it('says unreadable-secret for the 503 when the saved API password cannot be decrypted', async () => {
    app.strapi.config.set('admin.secrets.encryptionKey', 'another-encryption-key-than-before');
    app.strapi.plugin('imbachat').service('settings').invalidate();
    const ip = freshAddress();
    expect((await from(ip).users(RIGHT)).status).toBe(503);
    expect((await routeStatus('usersInfo')).lastFailure).toMatchObject({ status: 503, reason: 'unreadable-secret', ip });
  });

  it('says login-refused and login-locked-out for the login check\'s own refusals', async () => {
    await createSiteUser(app.strapi, { username: 'statusdora', password: USER_PASSWORD });
    const ip = freshAddress();
    expect((await from(ip).login({ login: 'statusdora', password: 'nope' })).status).toBe(403);
    expect((await routeStatus('authUsers')).lastFailure).toMatchObject({ status: 403, reason: 'login-refused', ip });
    expect((await from(ip).login({ login: 'statusdora', password: 'nope-2' })).status).toBe(403);
    expect((await from(ip).login({ login: 'statusdora', password: USER_PASSWORD })).status).toBe(429);
    expect((await routeStatus('authUsers')).lastFailure).toMatchObject({ status: 429, reason: 'login-locked-out', ip });
  });

  it('says bad-request for other 4xx, a body refused before any route ran included', async () => {
    const ip = freshAddress();
    const malformed = await app.http().post('/api/imbachat/v1/auth_users').set('X-Forwarded-For', ip).set('Authorization', RIGHT)
      .set('Content-Type', 'application/json').send('{"login":');
    expect(malformed.status).toBe(400);
    expect((await routeStatus('authUsers')).lastFailure).toMatchObject({ status: 400, reason: 'bad-request', ip });
    const tooLong = await app.http().get(`/api/imbachat/v1/search?q=${'a'.repeat(101)}`).set('X-Forwarded-For', ip).set('Authorization', RIGHT);
    expect(tooLong.status).toBe(400);
    expect((await routeStatus('search')).lastFailure).toMatchObject({ status: 400, reason: 'bad-request', ip });
  });

  it('records the version route, which needs no credentials', async () => {
    const ip = freshAddress();
    expect((await app.http().get('/api/imbachat/v1').set('X-Forwarded-For', ip)).status).toBe(200);
    expect((await routeStatus('version')).lastSuccess).toMatchObject({ status: 200, ip });
  });

  it('says whether the chat server can reach the site: server.url as configured, or not set', async () => {
    app.strapi.config.set('server.url', 'https://cms.example.com');
    expect((await statusData()).publicUrl).toEqual({ url: 'https://cms.example.com', reachable: true, problems: [] });
    app.strapi.config.set('server.url', 'http://192.168.1.20:1337');
    expect((await statusData()).publicUrl).toEqual({ url: 'http://192.168.1.20:1337', reachable: false, problems: ['http', 'private'] });
    app.strapi.config.set('server.url', '');
    const unset = (await statusData()).publicUrl;
    expect(unset).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), reachable: false, problems: ['not-set', 'http', 'loopback'] });
  });

  it('answers 401 without an admin token', async () => {
    expect((await app.http().get('/imbachat/status')).status).toBe(401);
  });
});

describe('recording the chat server\'s calls', () => {
  it('costs a correct request no statement: calls are written later, many in one statement', async () => {
    const ip = freshAddress();
    const statements: string[] = [];
    const listener = (query: { sql: string }) => statements.push(query.sql);
    knex().on('query', listener);
    try {
      for (let i = 0; i < 10; i += 1) expect((await from(ip).users(RIGHT)).status).toBe(200);
      expect((await app.http().get('/api/imbachat/v1/search?q=x').set('X-Forwarded-For', ip).set('Authorization', RIGHT)).status).toBe(200);
      // Neither the status nor the throttle's check of a correct request touched the database.
      expect(statements.filter((sql) => sql.includes(STATUS_TABLE) || sql.includes(THROTTLE_TABLE))).toEqual([]);
      expect((await from(ip).users(basic(LOGIN, 'wrong'))).status).toBe(401);
      expect(statements.filter((sql) => sql.includes(STATUS_TABLE))).toEqual([]);
      statements.length = 0;
      await statusService().flush();
      expect(statements.filter((sql) => sql.includes(STATUS_TABLE))).toHaveLength(1);
    } finally {
      knex().removeListener('query', listener);
    }
    const ids = (await storedRows()).map((row) => row.id).sort();
    expect(ids).toEqual(['search.call', 'search.success', 'usersInfo.call', 'usersInfo.failure', 'usersInfo.success']);
  });

  it('is written by itself within seconds, not at once', async () => {
    const ip = freshAddress();
    const started = Date.now();
    expect((await from(ip).users(RIGHT)).status).toBe(200);
    let row;
    while (!row && Date.now() - started < 10_000) {
      row = (await storedRows()).find((entry) => entry.id === 'usersInfo.call');
      if (!row) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const waited = Date.now() - started;
    expect(row).toMatchObject({ http_status: 200, ip, reason: null });
    expect(waited).toBeGreaterThan(3000);
    expect(waited).toBeLessThan(8000);
  });

  it('never lets an older record replace a newer one (an instance that writes late)', async () => {
    const ip = freshAddress();
    expect((await from(ip).users(RIGHT)).status).toBe(200);
    await statusService().flush();
    const [stored] = (await storedRows()).filter((row) => row.id === 'usersInfo.call');
    const at = Number(stored.at_ms);
    const table = statusTable(app.strapi);
    await table.upsert([{ id: 'usersInfo.call', atMs: at - 60_000, status: 500, ip: '198.51.100.9', reason: null }]);
    expect((await routeStatus('usersInfo')).lastCall).toEqual({ at: new Date(at).toISOString(), status: 200, ip });
    await table.upsert([{ id: 'usersInfo.call', atMs: at + 1000, status: 401, ip: '198.51.100.9', reason: null }]);
    expect((await routeStatus('usersInfo')).lastCall).toEqual({ at: new Date(at + 1000).toISOString(), status: 401, ip: '198.51.100.9' });
  });

  it('never fails a chat-server request when the table cannot be written: logged once, written once it can', async () => {
    const ip = freshAddress();
    const read = logFromNow(app);
    await knex().schema.renameTable(STATUS_TABLE, `${STATUS_TABLE}_away`);
    try {
      expect((await from(ip).users(RIGHT)).status).toBe(200);
      await statusService().flush();
      expect((await from(ip).users(basic(LOGIN, 'wrong'))).status).toBe(401);
      await statusService().flush();
      const log = await logged(read, 'Could not write the chat server status');
      expect(log.split('Could not write the chat server status')).toHaveLength(2);
      // The driver's reason, not the statement with the client addresses in it.
      expect(log).not.toContain(ip);
    } finally {
      await knex().schema.renameTable(`${STATUS_TABLE}_away`, STATUS_TABLE);
    }
    await statusService().flush();
    const rows = await storedRows();
    expect(rows.find((row) => row.id === 'usersInfo.success')).toMatchObject({ http_status: 200, ip });
    expect(rows.find((row) => row.id === 'usersInfo.failure')).toMatchObject({ http_status: 401, ip, reason: 'wrong-credentials' });
  });
});

describe('lockouts', () => {
  it('lists an address locked out for wrong API credentials, named only once it reached the limit', async () => {
    const ip = freshAddress();
    expect((await from(ip).users(basic(LOGIN, 'guess-0'))).status).toBe(401);
    // Below the limit the table holds only a hash of the address.
    expect(await knex()(THROTTLE_TABLE).where({ id: throttleRowId('basicAuth', ip) }).first()).toMatchObject({ failures: 1, subject: null, bucket: null });
    expect((await statusData()).lockouts).toEqual([]);
    for (let i = 1; i < BASIC_MAX; i += 1) await from(ip).users(basic(LOGIN, `guess-${i}`));
    const data = await statusData();
    expect(data.lockouts).toEqual([{ key: throttleRowId('basicAuth', ip), kind: 'basicAuth', subject: ip, failures: BASIC_MAX, until: expect.any(String) }]);
    const left = Date.parse(data.lockouts[0].until) - Date.parse(data.now);
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
  });

  it('names an IPv6 client by its /64, as it is counted', async () => {
    for (let i = 0; i < BASIC_MAX; i += 1) await from(`2001:db8:7:8::${i + 1}`).users(basic(LOGIN, `guess-${i}`));
    expect((await statusData()).lockouts).toMatchObject([{ kind: 'basicAuth', subject: '2001:db8:7:8::/64' }]);
  });

  it('lists a login locked out as its account, or as the login tried when it names none', async () => {
    const user = await createSiteUser(app.strapi, { username: 'lockedlena', password: USER_PASSWORD });
    const ip = freshAddress();
    // One budget for both spellings; the attempt that reaches the limit names the account.
    for (let i = 0; i < LOGIN_MAX; i += 1) expect((await from(ip).login({ login: i ? 'lockedlena' : 'LockedLena', password: `guess-${i}` })).status).toBe(403);
    for (let i = 0; i < LOGIN_MAX; i += 1) expect((await from(ip).login({ login: 'ghost-login', password: `guess-${i}` })).status).toBe(403);
    const subjects = (await statusData()).lockouts.map((lockout) => [lockout.kind, lockout.subject]).sort();
    expect(subjects).toEqual([
      ['authUsers', 'ghost-login'],
      ['authUsers', `lockedlena (#${user.id})`],
    ]);
  });

  it('forgets the name when a new window begins', async () => {
    app.strapi.config.set('plugin::imbachat.throttle.basicAuth', { max: BASIC_MAX, windowSeconds: 1 });
    const ip = freshAddress();
    for (let i = 0; i < BASIC_MAX; i += 1) await from(ip).users(basic(LOGIN, `guess-${i}`));
    expect(await knex()(THROTTLE_TABLE).where({ id: throttleRowId('basicAuth', ip) }).first()).toMatchObject({ subject: ip, bucket: 'basicAuth' });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await from(ip).users(basic(LOGIN, 'again'))).status).toBe(401);
    expect(await knex()(THROTTLE_TABLE).where({ id: throttleRowId('basicAuth', ip) }).first()).toMatchObject({ failures: 1, subject: null, bucket: null });
  });

  it('adds the columns to a table an earlier version made, and lists lockouts counted in it', async () => {
    await knex().schema.dropTable(THROTTLE_TABLE);
    await knex().schema.createTable(THROTTLE_TABLE, (table) => {
      table.string('id', 64).primary();
      table.integer('failures').notNullable();
      table.bigInteger('reset_at').notNullable();
    });
    await throttleService().prepare();
    await throttleService().prepare(); // again, as every start-up does: nothing to add
    expect(await knex().schema.hasColumn(THROTTLE_TABLE, 'subject')).toBe(true);
    expect(await knex().schema.hasColumn(THROTTLE_TABLE, 'bucket')).toBe(true);
    const ip = freshAddress();
    for (let i = 0; i < BASIC_MAX; i += 1) await from(ip).users(basic(LOGIN, `guess-${i}`));
    expect((await statusData()).lockouts).toMatchObject([{ kind: 'basicAuth', subject: ip }]);
  });
});

describe('DELETE /imbachat/status/lockouts/:key', () => {
  it('ends an address\'s lockout at once and answers the status without it', async () => {
    const ip = freshAddress();
    const other = freshAddress();
    for (const address of [ip, other]) for (let i = 0; i < BASIC_MAX; i += 1) await from(address).users(basic(LOGIN, `guess-${i}`));
    expect((await from(ip).users(RIGHT)).status).toBe(429);
    const res = await unlock(throttleRowId('basicAuth', ip));
    expect(res.status).toBe(200);
    expect(res.body.data.lockouts.map((lockout: Lockout) => lockout.subject)).toEqual([other]);
    expect(res.body.data.routes).toHaveLength(6);
    expect((await from(ip).users(RIGHT)).status).toBe(200);
    expect((await from(other).users(RIGHT)).status).toBe(429);
  });

  it('ends a login\'s lockout at once', async () => {
    await createSiteUser(app.strapi, { username: 'unlockuma', password: USER_PASSWORD });
    const ip = freshAddress();
    for (let i = 0; i < LOGIN_MAX; i += 1) await from(ip).login({ login: 'unlockuma', password: `guess-${i}` });
    expect((await from(ip).login({ login: 'unlockuma', password: USER_PASSWORD })).status).toBe(429);
    const [lockout] = (await statusData()).lockouts;
    expect(lockout.kind).toBe('authUsers');
    expect((await unlock(lockout.key)).status).toBe(200);
    expect((await from(ip).login({ login: 'unlockuma', password: USER_PASSWORD })).status).toBe(200);
  });

  it('answers 404 for a key that is unknown, malformed or already ended', async () => {
    const ip = freshAddress();
    for (let i = 0; i < BASIC_MAX; i += 1) await from(ip).users(basic(LOGIN, `guess-${i}`));
    const key = throttleRowId('basicAuth', ip);
    expect((await unlock(key)).status).toBe(200);
    const again = await unlock(key);
    expect(again.status).toBe(404);
    expect(again.body.error.name).toBe('NotFoundError');
    expect((await unlock('f'.repeat(64))).status).toBe(404);
    expect((await unlock('not-a-key')).status).toBe(404);
  });
});

describe("Test API's own request", () => {
  const runTest = (body: object) => app.http().post('/imbachat/settings/test').set('Authorization', `Bearer ${token}`).send(body);

  it('is not taken for the chat server: a passing or failing run leaves the routes as they were, and only a run on the saved credentials is the last test', async () => {
    await createSiteUser(app.strapi, { username: 'status-self-test', password: USER_PASSWORD });
    const passing = await runTest({ user_ids: '1' });
    expect(passing.status).toBe(200);
    expect(passing.body).toMatchObject({ ok: true, status: 200, credentials: 'saved' });
    const failing = await runTest({ user_ids: '1', apiPassword: 'not-the-password' });
    expect(failing.body).toMatchObject({ ok: false, status: 401, credentials: 'form' });
    await statusService().flush();

    const data = await statusData();
    expect(data.routes.find((entry) => entry.route === 'usersInfo')).toEqual({ route: 'usersInfo', lastCall: null, lastSuccess: null, lastFailure: null });
    expect(data.lastTest).toMatchObject({ ok: true, status: 200 });
  });

  it('is told apart by a mark only the site can make: a guessed one is recorded as the chat server', async () => {
    const ip = freshAddress();
    const res = await from(ip).users(RIGHT).set('X-ImbaChat-Self-Test', 'f'.repeat(64));
    expect(res.status).toBe(200);
    expect((await routeStatus('usersInfo')).lastCall).toEqual({ at: expect.any(String), status: 200, ip });
  });
});
