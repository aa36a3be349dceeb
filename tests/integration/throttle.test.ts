import { basic, configure, createSiteUser, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'throttle-suite-password';
const RIGHT = basic(LOGIN, PASSWORD);
const USER_PASSWORD = 'Right-pass-1';
const client = process.env.DATABASE_CLIENT ?? 'sqlite';

// Behind a proxy that appends the address it saw to X-Forwarded-For: config/server's
// `proxy: {koa: true, maxIpsCount: 1}` trusts that last hop only (playground/config/server.js).
const PROXY_ENV = { PROXY_KOA: 'true', PROXY_MAX_IPS: '1', IMBACHAT_TRUSTED_IPS: '192.0.2.0/24,2001:db8:ffff::/48' };

let app: TestApp;
const users = (forwardedFor: string) => app.http().get('/api/imbachat/v1/users/1').set('X-Forwarded-For', forwardedFor);
const check = (body: object) => app.http().post('/api/imbachat/v1/auth_users').set('Authorization', RIGHT).send(body);

const boot = async (options: { reuse?: TestApp } = {}) => {
  app = await startStrapi({ env: PROXY_ENV, ...options });
  app.strapi.config.set('plugin::imbachat.throttle.basicAuth', { max: 5, windowSeconds: 60 });
};

beforeAll(async () => {
  await boot();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
});
afterAll(async () => {
  await app?.close();
});

describe('the Basic-check throttle cannot be turned against the chat server', () => {
  it('answers a request without Authorization with the challenge, and does not count it', async () => {
    for (let i = 0; i < 12; i += 1) {
      const res = await users('203.0.113.10');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="ImbaChat"');
    }
    expect((await users('203.0.113.10').set('Authorization', RIGHT)).status).toBe(200);
  });

  it('counts the address the trusted proxy saw, not one a client forged in X-Forwarded-For', async () => {
    const chatServer = '203.0.113.20';
    for (let i = 0; i < 5; i += 1) {
      // The attacker names the chat server; the proxy appends the attacker's real address.
      const res = await users(`${chatServer}, 198.51.100.66`).set('Authorization', basic(LOGIN, `guess-${i}`));
      expect(res.status).toBe(401);
    }
    const blocked = await users(`${chatServer}, 198.51.100.66`).set('Authorization', RIGHT);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.body).toEqual({ code: 429, version: 1, error: expect.any(String), debug: '' });
    expect((await users(chatServer).set('Authorization', RIGHT)).status).toBe(200);
  });

  it('never locks out throttle.trustedIps, IPv4 or IPv6 ranges', async () => {
    for (const address of ['192.0.2.77', '2001:db8:ffff:12::7']) {
      for (let i = 0; i < 8; i += 1) {
        expect((await users(address).set('Authorization', basic(LOGIN, `guess-${i}`))).status).toBe(401);
      }
      expect((await users(address).set('Authorization', RIGHT)).status).toBe(200);
    }
  });

  it('counts an IPv6 client per /64', async () => {
    for (let i = 0; i < 5; i += 1) {
      await users(`2001:db8:1:2::${i + 1}`).set('Authorization', basic(LOGIN, `guess-${i}`));
    }
    const sameNetwork = await users('2001:db8:1:2:aaaa:bbbb:cccc:dddd').set('Authorization', RIGHT);
    expect(sameNetwork.status).toBe(429);
    expect(sameNetwork.body).toEqual({ code: 429, version: 1, error: expect.any(String), debug: '' });
    expect((await users('2001:db8:1:3::1').set('Authorization', RIGHT)).status).toBe(200);
  });
});

describe('the login-check throttle counts per account', () => {
  it('shares one budget between alice, ALICE and her email address', async () => {
    await createSiteUser(app.strapi, { username: 'alice', email: 'alice@example.test', password: USER_PASSWORD });
    const logins = ['alice', 'ALICE', 'alice@example.test', 'Alice@Example.test'];
    for (let i = 0; i < 10; i += 1) {
      expect((await check({ login: logins[i % logins.length], password: `guess-${i}` })).status).toBe(403);
    }
    const blocked = await check({ login: 'alice', password: USER_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect(blocked.body).toEqual({ code: 429, version: 1, error: expect.any(String), debug: '' });
  });

  it('counts unknown logins by their normalised form', async () => {
    const logins = ['nobody', 'NOBODY', 'nóbody', ' Nobody '];
    for (let i = 0; i < 10; i += 1) {
      expect((await check({ login: logins[i % logins.length], password: `guess-${i}` })).status).toBe(403);
    }
    expect((await check({ login: 'NoBody', password: 'x' })).status).toBe(429);
  });

  (client === 'mysql' ? it : it.skip)('on MariaDB, counts an accented spelling the database matches with the account', async () => {
    await createSiteUser(app.strapi, { username: 'erin', password: USER_PASSWORD });
    for (let i = 0; i < 10; i += 1) await check({ login: i % 2 ? 'érin' : 'ERIN', password: `guess-${i}` });
    expect((await check({ login: 'erin', password: USER_PASSWORD })).status).toBe(429);
  });

  it('keeps the count in the database: a restart (or another instance) sees the same budget', async () => {
    await createSiteUser(app.strapi, { username: 'bob', password: USER_PASSWORD });
    for (let i = 0; i < 9; i += 1) expect((await check({ login: 'bob', password: `guess-${i}` })).status).toBe(403);
    await app.close({ keepData: true });
    await boot({ reuse: app });
    expect((await check({ login: 'bob', password: 'guess-9' })).status).toBe(403);
    expect((await check({ login: 'bob', password: USER_PASSWORD })).status).toBe(429);
  });
});
