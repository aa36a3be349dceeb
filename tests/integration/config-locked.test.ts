import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { basic, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const LOCKED_PASSWORD = 'password-from-env-1';
const LOCKED_SECRET = 'secret-from-env-1';

let app: TestApp;
let token: string;

const put = (body: object) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${token}`).send(body);

beforeAll(async () => {
  app = await startStrapi({
    env: {
      IMBACHAT_WIDGET_ID: 'env-widget',
      IMBACHAT_API_LOGIN: 'env-login',
      IMBACHAT_API_PASSWORD: LOCKED_PASSWORD,
      IMBACHAT_SECRET_KEY: LOCKED_SECRET,
      IMBACHAT_TOKEN_TTL: '120',
      IMBACHAT_NAME_FIELD: 'displayName',
    },
  });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [LOCKED_PASSWORD, LOCKED_SECRET]);
  } finally {
    await app?.close();
  }
});
// Each test starts with nothing saved in the database, and leaves nothing saved.
restoreAfterEach(() => app);

describe('settings from config/plugins', () => {
  it('are reported as locked, cast to their types, secrets as set', async () => {
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(res.body.data).toMatchObject({
      widgetId: 'env-widget',
      apiLogin: 'env-login',
      tokenTtlSeconds: 120,
      nameField: 'displayName',
      apiPasswordSet: true,
      secretKeySet: true,
    });
    expect(res.body.data.locked.sort()).toEqual(
      ['apiLogin', 'apiPassword', 'nameField', 'secretKey', 'tokenTtlSeconds', 'widgetId'].sort()
    );
  });

  it('win over a value stored in the database', async () => {
    await app.strapi
      .store({ type: 'plugin', name: 'imbachat', key: 'settings' })
      .set({ value: { widgetId: 'stored-widget', searchMode: 'prefix' } });
    app.strapi.plugin('imbachat').service('settings').invalidate();
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(res.body.data).toMatchObject({ widgetId: 'env-widget', searchMode: 'prefix' });
  });

  it('cannot be changed from the admin API', async () => {
    const res = await put({ widgetId: 'other' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/imbachat\.config\.widgetId/);
    expect(res.body.error.details.errors[0].path).toEqual(['widgetId']);
    expect((await put({ apiPassword: 'anything' })).status).toBe(400);
    expect((await put({ secretKey: null })).status).toBe(400);
  });

  it('may be sent back unchanged with other values', async () => {
    const res = await put({ widgetId: 'env-widget', searchMode: 'exact' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ widgetId: 'env-widget', searchMode: 'exact' });
  });

  it('are what the routes use', async () => {
    const user = await createSiteUser(app.strapi, { username: 'zed', displayName: 'Zed Locked' });
    const res = await app
      .http()
      .get(`/api/imbachat/v1/users/${user.id}`)
      .set('Authorization', basic('env-login', LOCKED_PASSWORD));
    expect(res.body).toEqual([{ user_id: user.id, name: 'Zed Locked' }]);
  });
});
