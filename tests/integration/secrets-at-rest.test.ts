import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { basic, configure, createSiteUser, expectNoSecretsIn, logFromNow, logged, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

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

// Each scenario boots a site of its own and restarts it as it needs; `app` is whichever boot is up.
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A fresh site on the given encryption key, with the API password and secret key saved. */
const bootConfigured = async (encryptionKey: string) => {
  app = await startStrapi({ env: { ENCRYPTION_KEY: encryptionKey } });
  await configure(app.strapi, { widgetId: 'w', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET });
  return app;
};

/** Stops the site and starts it again on the same database with `env`. */
const restart = async (env: Record<string, string>) => {
  const before = app!;
  app = undefined;
  await before.close({ keepData: true });
  try {
    app = await startStrapi({ reuse: before, env });
  } catch (error) {
    // Nothing is up to close: drop what the first boot made.
    await before.database?.drop();
    fs.rmSync(before.dir, { recursive: true, force: true });
    throw error;
  }
  return app;
};

describe('the API password and secret key in the database', () => {
  it('are stored encrypted when Strapi has an encryption key', async () => {
    const site = await bootConfigured(KEY_A);
    const row = await storedRow(site);
    expect(row.apiLogin).toBe('chat');
    for (const key of ['apiPassword', 'secretKey']) expect(row[key]).toMatch(/^imbachat-aes256gcm:v1:/);
    expect(JSON.stringify(row)).not.toContain(API_PASSWORD);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    await secretsWork(site);
    expectNoSecretsIn(site, [API_PASSWORD, SECRET]);
  });

  it('are readable after a restart with the same key', async () => {
    await bootConfigured(KEY_A);
    const site = await restart({ ENCRYPTION_KEY: KEY_A });
    await secretsWork(site);
    expectNoSecretsIn(site, [API_PASSWORD, SECRET]);
  });

  it.each([
    ['changed', KEY_B, /admin\.secrets\.encryptionKey is not the key it was saved with/],
    ['missing', '', /admin\.secrets\.encryptionKey is not set/],
  ])('when the key is %s, the site still starts; the plugin says how to fix it and answers 503 with the reason', async (_, key, why) => {
    const startLog = logFromNow(await bootConfigured(KEY_A));
    const site = await restart({ ENCRYPTION_KEY: key });
    const errors = (await logged(startLog, 'cannot be decrypted')).split('\n').filter((line) => line.includes('cannot be decrypted'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(why);
    expect(errors[0]).toMatch(/API password \(apiPassword\) and Secret key \(secretKey\)/);
    expect(errors[0]).toMatch(/enter them again in Settings → ImbaChat/);

    // The rest of the site is up.
    expect((await site.http().get('/_health')).status).toBe(204);
    expect((await site.http().get('/api/imbachat/v1')).status).toBe(200);

    const users = await site.http().get('/api/imbachat/v1/users/1').set('Authorization', basic('chat', API_PASSWORD));
    expect(users.status).toBe(503);
    expect(users.body).toEqual({ code: 503, version: 1, error: expect.stringMatching(/API password cannot be decrypted/), debug: '' });
    const user = await createSiteUser(site.strapi);
    const token = await site.http().get('/api/imbachat/token').set('Authorization', `Bearer ${await siteUserJwt(site.strapi, user.id)}`);
    expect(token.status).toBe(503);
    expect(token.body.error.message).toMatch(/Secret key cannot be decrypted/);

    const admin = await adminToken(site, await createAdmin(site.strapi, [await superAdminRoleId(site.strapi)]));
    const settings = await site.http().get('/imbachat/settings').set('Authorization', `Bearer ${admin}`);
    expect(settings.body.data).toMatchObject({ apiPasswordSet: false, secretKeySet: false });
    expect(settings.body.data.unreadableSecrets.sort()).toEqual(['apiPassword', 'secretKey']);

    // Back to the key the secrets were saved with: they work again, nothing was lost.
    await secretsWork(await restart({ ENCRYPTION_KEY: KEY_A }));
    expectNoSecretsIn(app!, [API_PASSWORD, SECRET]);
  });

  it('a save that names other keys leaves unreadable secrets byte for byte; entering a secret again replaces it', async () => {
    const before = await storedRow(await bootConfigured(KEY_A));
    const site = await restart({ ENCRYPTION_KEY: KEY_B });
    await configure(site.strapi, { widgetId: 'w-other', searchMode: 'prefix' });
    const after = await storedRow(site);
    expect(after.apiPassword).toBe(before.apiPassword);
    expect(after.secretKey).toBe(before.secretKey);
    expect(after).toMatchObject({ widgetId: 'w-other', searchMode: 'prefix' });

    // Entering the API password again, under the new key, makes the chat API work at once.
    await configure(site.strapi, { apiPassword: 'new-api-password-2' });
    const users = await site.http().get('/api/imbachat/v1/users/1').set('Authorization', basic('chat', 'new-api-password-2'));
    expect(users.status).toBe(200);
    const admin = await adminToken(site, await createAdmin(site.strapi, [await superAdminRoleId(site.strapi)]));
    const settings = await site.http().get('/imbachat/settings').set('Authorization', `Bearer ${admin}`);
    expect(settings.body.data).toMatchObject({ apiPasswordSet: true, unreadableSecrets: ['secretKey'] });

    // Back on the old key, the secret key left byte for byte is readable again.
    const again = await restart({ ENCRYPTION_KEY: KEY_A });
    await configure(again.strapi, { apiPassword: API_PASSWORD });
    await secretsWork(again);
  });
});

describe('a secret locked by config/plugins and also saved in the database', () => {
  it('stays in the database through saves of other settings, and works again once the config value is gone', async () => {
    const saved = (await storedRow(await bootConfigured(KEY_A))).apiPassword;

    const locked = await restart({ ENCRYPTION_KEY: KEY_A, IMBACHAT_API_PASSWORD: 'password-from-env-7' });
    await configure(locked.strapi, { widgetId: 'w-2', tokenTtlSeconds: 600 });
    expect((await storedRow(locked)).apiPassword).toBe(saved);

    const unlocked = await restart({ ENCRYPTION_KEY: KEY_A });
    const users = await unlocked.http().get('/api/imbachat/v1/users').set('Authorization', basic('chat', API_PASSWORD));
    expect(users.status).toBe(200);
  });
});

describe('secrets saved before Strapi had an encryption key', () => {
  it('are kept readable and get encrypted at the next start with a key', async () => {
    const plain = await bootConfigured('');
    expect((await storedRow(plain)).apiPassword).toBe(API_PASSWORD);
    await secretsWork(plain);

    const sealed = await restart({ ENCRYPTION_KEY: KEY_A });
    expect((await storedRow(sealed)).apiPassword).toMatch(/^imbachat-aes256gcm:v1:/);
    await secretsWork(sealed);
  });
});
