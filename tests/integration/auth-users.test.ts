import { keepStoreRow, withKept } from '../helpers/restore';
import { basic, configure, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'auth-users-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_PASSWORD = 'Right-pass-1';
const INVALID = { code: 403, version: 1, error: 'Invalid login or password', debug: '' };

let app: TestApp;
let alice: { id: number };

const check = () => app.http().post('/api/imbachat/v1/auth_users').set('Authorization', AUTH);

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  alice = await createSiteUser(app.strapi, { username: 'Alice', displayName: 'Alice Liddell', password: USER_PASSWORD });
  await createSiteUser(app.strapi, { username: 'mallory', password: USER_PASSWORD, blocked: true });
  await createSiteUser(app.strapi, { username: 'newbie', password: USER_PASSWORD, confirmed: false });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
  }
});

const ADVANCED = { type: 'plugin', name: 'users-permissions', key: 'advanced' } as const;
const GRANT = { type: 'plugin', name: 'users-permissions', key: 'grant' } as const;

describe('POST /api/imbachat/v1/auth_users', () => {
  it('answers {user_id, name} for the right login and password in a form body', async () => {
    const res = await check().type('form').send({ login: 'Alice', password: USER_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: alice.id, name: 'Alice Liddell' });
  });

  it.each(['username', 'identifier', 'email'])('reads the login from %s in a JSON body', async (field) => {
    const login = field === 'email' ? 'ALICE@example.test' : 'Alice';
    const res = await check().send({ [field]: login, password: USER_PASSWORD });
    expect(res.body).toEqual({ user_id: alice.id, name: 'Alice Liddell' });
  });

  it('refuses a wrong password with 403', async () => {
    const res = await check().send({ login: 'Alice', password: 'wrong' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses an unknown login with 403', async () => {
    const res = await check().send({ login: 'nobody', password: USER_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses a blocked user with 403', async () => {
    expect((await check().send({ login: 'mallory', password: USER_PASSWORD })).body).toEqual(INVALID);
  });

  it('refuses an unconfirmed user only where Strapi requires confirmation', async () => {
    expect((await check().send({ login: 'newbie', password: USER_PASSWORD })).status).toBe(200);
    await withKept(keepStoreRow(app.strapi, ADVANCED), async () => {
      const advanced = app.strapi.store(ADVANCED);
      const before = (await advanced.get({})) as Record<string, unknown>;
      await advanced.set({ value: { ...before, email_confirmation: true } });
      expect((await check().send({ login: 'newbie', password: USER_PASSWORD })).body).toEqual(INVALID);
    });
  });

  it.each([
    ['no password', { login: 'Alice' }],
    ['no login', { password: USER_PASSWORD }],
    ['an array as login', { login: ['Alice'], password: USER_PASSWORD }],
    ['an object as password', { login: 'Alice', password: { $ne: '' } }],
  ])('refuses a body with %s with 400', async (_, body) => {
    const res = await check().send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, version: 1, error: expect.any(String), debug: '' });
  });
});

describe('throttling of failed login checks per login', () => {
  it('answers 429 with Retry-After after 10 failures for one login, while another login still works', async () => {
    const victim = await createSiteUser(app.strapi, { username: 'victim', password: USER_PASSWORD });
    // The account and its password are good: what follows is the throttle, not a refused login.
    expect((await check().send({ login: 'victim', password: USER_PASSWORD })).body).toEqual({ user_id: victim.id, name: 'victim' });
    for (let i = 0; i < 10; i += 1) {
      expect((await check().send({ login: 'victim', password: `guess-${i}` })).status).toBe(403);
    }
    const blocked = await check().send({ login: 'VICTIM', password: USER_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect(blocked.body).toEqual({ code: 429, version: 1, error: expect.any(String), debug: '' });
    expect((await check().send({ login: 'Alice', password: USER_PASSWORD })).status).toBe(200);
  });
});

describe('what Strapi itself refuses', () => {
  it('refuses every login while users-permissions’ Email provider is disabled, as /api/auth/local does', async () => {
    await withKept(keepStoreRow(app.strapi, GRANT), async () => {
      const grant = app.strapi.store(GRANT);
      const before = (await grant.get({})) as Record<string, { enabled?: boolean }>;
      await grant.set({ value: { ...before, email: { ...before.email, enabled: false } } });
      const strapiLogin = await app.http().post('/api/auth/local').send({ identifier: 'Alice', password: USER_PASSWORD });
      expect(strapiLogin.status).toBe(400);
      expect(strapiLogin.body.error.message).toBe('This provider is disabled');
      const res = await check().send({ login: 'Alice', password: USER_PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(INVALID);
    });
    expect((await check().send({ login: 'Alice', password: USER_PASSWORD })).status).toBe(200);
  });
});
