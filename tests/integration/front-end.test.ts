import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { keepConfig, restoreAfterEach, withKept } from '../helpers/restore';
import { configure, createSiteUser, expectNoSecretsIn, logged, settingsService, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

const SECRET = 'front-end-secret-key-1';
const API_PASSWORD = 'front-end-api-password-1';

let app: TestApp;
let alice: { id: number };

const token = (jwt?: string) => {
  const req = app.http().get('/api/imbachat/token');
  return jwt ? req.set('Authorization', `Bearer ${jwt}`) : req;
};
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

beforeAll(async () => {
  app = await startStrapi();
  alice = await createSiteUser(app.strapi, { username: 'alice' });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [SECRET, API_PASSWORD]);
  } finally {
    await app?.close();
  }
});
// Each test starts with nothing configured and leaves nothing behind.
restoreAfterEach(() => app);

describe('GET /api/imbachat/widget', () => {
  it('answers 503 while no widget id is set', async () => {
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ status: 503, message: expect.stringMatching(/widget ID/) });
  });

  it('answers the widget id and script URL to anyone', async () => {
    await configure(app.strapi, { widgetId: 'w-77', widgetScriptUrl: 'https://cdn.imbachat.com/{widgetId}/widget.js' });
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ widget_id: 'w-77', script_url: 'https://cdn.imbachat.com/w-77/widget.js', options: {} });
  });

  it("answers the site's load options, only those set", async () => {
    await configure(app.strapi, { widgetId: 'w-8', widgetOptions: { language: 'auto', theme: 'dark', draggable: false } });
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.body.options).toEqual({ language: 'auto', theme: 'dark', draggable: false });
  });

  it('says, with a 200, that guests get no widget while guest mode is off; logged-in users still get a token', async () => {
    await configure(app.strapi, { widgetId: 'w-9', secretKey: SECRET, guests: false });
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ guests: false });
    const chat = await token(await siteUserJwt(app.strapi, alice.id));
    expect(chat.status).toBe(200);
    expect(chat.body.widget_id).toBe('w-9');
    // Guests off is said even before the widget is configured: it is a choice, not a fault.
    await configure(app.strapi, { widgetId: null });
    expect((await app.http().get('/api/imbachat/widget')).body).toEqual({ guests: false });
  });

  it('refuses load options it does not know, naming the setting', async () => {
    for (const widgetOptions of [{ theme: 'neon' }, { position: 'top' }, { language: 'English!' }, { resizable: 'yes' }, { onInitSuccess: 'alert(1)' }, []]) {
      await expect(configure(app.strapi, { widgetOptions })).rejects.toMatchObject({ details: { errors: [{ path: ['widgetOptions'] }] } });
    }
  });

  it('never hands out a script address saved before only imbachat.com was accepted', async () => {
    // Written straight into the stored row: the admin API refuses such an address today.
    const store = app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'settings' });
    const before = ((await store.get({})) as Record<string, unknown> | null) ?? {};
    await store.set({ value: { ...before, widgetId: 'w-5', widgetScriptUrl: 'http://evil.example/{widgetId}.js' } });
    settingsService(app.strapi).invalidate();
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.body).toEqual({ widget_id: 'w-5', script_url: 'https://api.imbachat.com/imbachat/v1/w-5/widget', options: {} });
    const log = await logged(() => fs.readFileSync(app.logFile, 'utf8'), 'The saved widgetScriptUrl');
    expect(log).toMatch(/The saved widgetScriptUrl is not on imbachat\.com and is ignored/);
  });
});

describe('GET /api/imbachat/token', () => {
  it('answers 401 to an anonymous visitor', async () => {
    const res = await token();
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
  });

  it('answers 401 to a bad or forged JWT', async () => {
    expect((await token('not-a-jwt')).status).toBe(401);
    const jwt = await siteUserJwt(app.strapi, alice.id);
    const [header, , signature] = jwt.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ id: 1 })).toString('base64url')}.${signature}`;
    expect((await token(forged)).status).toBe(401);
  });

  it('answers 503 while the secret key is not set', async () => {
    await configure(app.strapi, { widgetId: 'w-1', secretKey: null });
    const res = await token(await siteUserJwt(app.strapi, alice.id));
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/secret key/);
  });

  describe('when configured', () => {
    beforeEach(async () => {
      await configure(app.strapi, { widgetId: 'w-1', secretKey: SECRET, apiPassword: API_PASSWORD, tokenTtlSeconds: 900 });
    });

    it('gives a logged-in user a chat token with no permission ticked', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await token(await siteUserJwt(app.strapi, alice.id));
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        token: expect.any(String),
        user_id: alice.id,
        expires_at: expect.any(Number),
        widget_id: 'w-1',
        script_url: 'https://api.imbachat.com/imbachat/v1/w-1/widget',
        options: {},
      });
      expect(res.body.expires_at).toBeGreaterThanOrEqual(before + 900);
      expect(res.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);
    });

    it('signs exactly {exp, user_id} with HS256 and the secret key', async () => {
      const res = await token(await siteUserJwt(app.strapi, alice.id));
      const [header, payload, signature] = res.body.token.split('.');
      expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(decode(payload)).toEqual({ exp: res.body.expires_at, user_id: alice.id });
      const expected = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
      expect(signature).toBe(expected);
    });

    it('answers 403 to a blocked user', async () => {
      const mallory = await createSiteUser(app.strapi, { blocked: true });
      const res = await token(await siteUserJwt(app.strapi, mallory.id));
      expect(res.status).toBe(403);
    });

    it('refuses at once a user blocked after a token was already given with the same JWT', async () => {
      const bob = await createSiteUser(app.strapi);
      const jwt = await siteUserJwt(app.strapi, bob.id);
      expect((await token(jwt)).status).toBe(200);
      await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: bob.id }, data: { blocked: true } });
      expect((await token(jwt)).status).toBe(403);
    });

    it('refuses an access token once it has expired, though it was accepted a moment before', async () => {
      const dora = await createSiteUser(app.strapi);
      const jwt = await app.strapi.plugin('users-permissions').service('jwt').issue({ id: dora.id }, { expiresIn: '2s' });
      expect((await token(jwt)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2600));
      const res = await token(jwt);
      expect(res.status).toBe(401);
    });

    it('answers 401 once the user is deleted', async () => {
      const gone = await createSiteUser(app.strapi);
      const jwt = await siteUserJwt(app.strapi, gone.id);
      await app.strapi.db.query('plugin::users-permissions.user').delete({ where: { id: gone.id } });
      expect((await token(jwt)).status).toBe(401);
    });

    it('works with the JWT /api/auth/local gives', async () => {
      await createSiteUser(app.strapi, { username: 'carol', password: 'Carol-pass-1' });
      const login = await app.http().post('/api/auth/local').send({ identifier: 'carol', password: 'Carol-pass-1' });
      expect(login.status).toBe(200);
      const res = await token(login.body.jwt);
      expect(res.status).toBe(200);
      expect(res.body.user_id).toBe(login.body.user.id);
    });

    it("works in users-permissions' refresh mode", async () => {
      await withKept(keepConfig(app.strapi, ['plugin::users-permissions.jwtManagement']), async () => {
        app.strapi.config.set('plugin::users-permissions.jwtManagement', 'refresh');
        const access = await siteUserJwt(app.strapi, alice.id);
        const res = await token(access);
        expect(res.status).toBe(200);
        expect(res.body.user_id).toBe(alice.id);
      });
    });
  });
});
