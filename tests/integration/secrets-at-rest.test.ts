import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { basic, configure, createSiteUser, expectNoSecretsIn, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

const API_PASSWORD = 'at-rest-api-password-1';
const SECRET = 'at-rest-secret-key-1';
const KEY_A = 'encryption-key-a-0123456789abcdef';
const KEY_B = 'encryption-key-b-0123456789abcdef';

const storedRow = (app: TestApp) =>
  app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'settings' }).get({}) as Promise<Record<string, string>>;

/** The chat-server API accepts the password, and the token route signs with the secret key. */
const secretsWork = async (app: TestApp) => {
  const users = await app.http().get('/api/imbachat/v1/users').set('Authorization', basic('chat', API_PASSWORD));
  expect(users.status).toBe(200);
  const user = await createSiteUser(app.strapi);
  const res = await app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${await siteUserJwt(app.strapi, user.id)}`);
  const [header, payload, signature] = res.body.token.split('.');
  expect(signature).toBe(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url'));
};

describe('the API password and secret key in the database', () => {
  let app: TestApp;
  afterAll(async () => {
    await app?.close();
  });

  it('are stored encrypted when Strapi has an encryption key', async () => {
    app = await startStrapi({ env: { ENCRYPTION_KEY: KEY_A } });
    await configure(app.strapi, { widgetId: 'w', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET });
    const row = await storedRow(app);
    expect(row.apiLogin).toBe('chat');
    for (const key of ['apiPassword', 'secretKey']) expect(row[key]).toMatch(/^imbachat-aes256gcm:v1:/);
    expect(JSON.stringify(row)).not.toContain(API_PASSWORD);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    await secretsWork(app);
    expectNoSecretsIn(app, [API_PASSWORD, SECRET]);
  });

  it('are readable after a restart with the same key', async () => {
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
    await secretsWork(app);
  });

  it.each([
    ['changed', KEY_B, /admin\.secrets\.encryptionKey is not the key it was saved with/],
    ['missing', '', /admin\.secrets\.encryptionKey is not set/],
  ])('when the key is %s, the site still starts; the plugin says how to fix it and answers 503 with the reason', async (_, key, why) => {
    await app.close({ keepData: true });
    fs.writeFileSync(app.logFile, ''); // only this start's lines
    app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: key } });
    try {
      const log = fs.readFileSync(app.logFile, 'utf8');
      const errors = log.split('\n').filter((line) => line.includes('cannot be decrypted'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(why);
      expect(errors[0]).toMatch(/API password \(apiPassword\) and Secret key \(secretKey\)/);
      expect(errors[0]).toMatch(/enter them again in Settings → ImbaChat/);

      // The rest of the site is up.
      expect((await app.http().get('/_health')).status).toBe(204);
      expect((await app.http().get('/api/imbachat/v1')).status).toBe(200);

      const users = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic('chat', API_PASSWORD));
      expect(users.status).toBe(503);
      expect(users.body).toEqual({ code: 503, version: 1, error: expect.stringMatching(/API password cannot be decrypted/), debug: '' });
      const user = await createSiteUser(app.strapi);
      const token = await app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${await siteUserJwt(app.strapi, user.id)}`);
      expect(token.status).toBe(503);
      expect(token.body.error.message).toMatch(/Secret key cannot be decrypted/);

      const admin = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
      const settings = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${admin}`);
      expect(settings.body.data).toMatchObject({ apiPasswordSet: false, secretKeySet: false });
      expect(settings.body.data.unreadableSecrets.sort()).toEqual(['apiPassword', 'secretKey']);
    } finally {
      // Back to the key the secrets were saved with: they work again, nothing was lost.
      await app.close({ keepData: true });
      app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
    }
    await secretsWork(app);
  });

  it('a save that names other keys leaves unreadable secrets byte for byte; entering a secret again replaces it', async () => {
    const before = await storedRow(app);
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_B } });
    try {
      await configure(app.strapi, { widgetId: 'w-other', searchMode: 'prefix' });
      const after = await storedRow(app);
      expect(after.apiPassword).toBe(before.apiPassword);
      expect(after.secretKey).toBe(before.secretKey);
      expect(after).toMatchObject({ widgetId: 'w-other', searchMode: 'prefix' });

      // Entering the API password again, under the new key, makes the chat API work at once.
      await configure(app.strapi, { apiPassword: 'new-api-password-2' });
      const users = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic('chat', 'new-api-password-2'));
      expect(users.status).toBe(200);
      const admin = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
      const settings = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${admin}`);
      expect(settings.body.data).toMatchObject({ apiPasswordSet: true, unreadableSecrets: ['secretKey'] });
    } finally {
      await app.close({ keepData: true });
      app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
      await configure(app.strapi, { apiPassword: API_PASSWORD, widgetId: 'w', searchMode: null });
    }
    await secretsWork(app);
  });
});

describe('a secret locked by config/plugins and also saved in the database', () => {
  it('stays in the database through saves of other settings, and works again once the config value is gone', async () => {
    let app = await startStrapi({ env: { ENCRYPTION_KEY: KEY_A } });
    try {
      await configure(app.strapi, { widgetId: 'w', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET });
      const saved = (await storedRow(app)).apiPassword;
      await app.close({ keepData: true });

      app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A, IMBACHAT_API_PASSWORD: 'password-from-env-7' } });
      await configure(app.strapi, { widgetId: 'w-2', tokenTtlSeconds: 600 });
      expect((await storedRow(app)).apiPassword).toBe(saved);
      await app.close({ keepData: true });

      app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
      const users = await app.http().get('/api/imbachat/v1/users').set('Authorization', basic('chat', API_PASSWORD));
      expect(users.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('secrets saved before Strapi had an encryption key', () => {
  it('are kept readable and get encrypted at the next start with a key', async () => {
    let app = await startStrapi({ env: { ENCRYPTION_KEY: '' } });
    await configure(app.strapi, { widgetId: 'w', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET });
    expect((await storedRow(app)).apiPassword).toBe(API_PASSWORD);
    await secretsWork(app);
    await app.close({ keepData: true });

    app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
    expect((await storedRow(app)).apiPassword).toMatch(/^imbachat-aes256gcm:v1:/);
    await secretsWork(app);
    await app.close();
  });
});
