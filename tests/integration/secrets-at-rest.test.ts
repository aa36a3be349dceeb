import { createHmac } from 'node:crypto';
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

  it('stop the start-up with a clear error when the key changed', async () => {
    await app.close({ keepData: true });
    await expect(startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_B } })).rejects.toThrow(
      /The saved apiPassword cannot be decrypted: admin\.secrets\.encryptionKey is not the key it was saved with/
    );
    app = await startStrapi({ reuse: app, env: { ENCRYPTION_KEY: KEY_A } });
    await secretsWork(app);
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
