import { restoreAfterEach } from '../helpers/restore';
import { basic, configure, createSiteUser, expectNoSecretsIn, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'ImbaChat';
const PASSWORD = 'api-password-Xy9';
const SECRET = 'secret-key-Qw8-for-leak-check';
const ROUTES: [string, string][] = [
  ['get', '/api/imbachat/v1/users/1'],
  ['get', '/api/imbachat/v1/users?user_ids=1'],
  ['post', '/api/imbachat/v1/users'],
  ['get', '/api/imbachat/v1/search/a'],
  ['get', '/api/imbachat/v1/search?q=a'],
  ['post', '/api/imbachat/v1/auth_users'],
  ['post', '/api/imbachat/v1/notifications'],
  ['get', '/api/imbachat/v1/user/friends/1'],
];
const AUTH_ERROR = { code: 401, version: 1, error: 'Authenticate required!', debug: '' };

let app: TestApp;
const call = (method: string, url: string) => (app.http() as any)[method](url);

beforeAll(async () => {
  app = await startStrapi();
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, SECRET]);
  } finally {
    await app?.close();
  }
});
// Each test starts with nothing configured and leaves nothing behind.
restoreAfterEach(() => app);

describe('the chat-server routes while the API login or password is not set', () => {
  it.each(ROUTES)('%s %s answers 503 in the ImbaChat error shape', async (method, url) => {
    const res = await call(method, url).set('Authorization', basic('', ''));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ code: 503, version: 1, error: expect.stringMatching(/not configured/), debug: '' });
  });

  it('stays closed with only a login set', async () => {
    await configure(app.strapi, { apiLogin: LOGIN });
    const res = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic(LOGIN, ''));
    expect(res.status).toBe(503);
  });
});

describe('HTTP Basic on the chat-server routes', () => {
  beforeEach(async () => {
    await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, secretKey: SECRET, widgetId: 'w1' });
  });

  it.each(ROUTES)('%s %s needs credentials: 401, WWW-Authenticate and the error body', async (method, url) => {
    const res = await call(method, url);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="ImbaChat"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(AUTH_ERROR);
  });

  it.each([
    ['a wrong password', basic(LOGIN, 'nope')],
    ['the password in another case', basic(LOGIN, PASSWORD.toUpperCase())],
    ['a wrong login', basic('someone', PASSWORD)],
    ['an empty header', ''],
    ['the scheme alone', 'Basic'],
    ['garbage after the scheme', 'Basic %%%'],
    ['base64 without a colon', `Basic ${Buffer.from(LOGIN + PASSWORD).toString('base64')}`],
    ['a Bearer token', 'Bearer abc.def.ghi'],
  ])('refuses %s', async (_, header) => {
    const res = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(AUTH_ERROR);
  });

  it('takes the login in any case', async () => {
    for (const login of [LOGIN, LOGIN.toLowerCase(), LOGIN.toUpperCase()]) {
      const res = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic(login, PASSWORD));
      expect(res.status).toBe(200);
    }
  });

  it('is not opened by a site user\'s JWT', async () => {
    const user = await createSiteUser(app.strapi);
    const jwt = await siteUserJwt(app.strapi, user.id);
    const res = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', `Bearer ${jwt}`);
    expect(res.status).toBe(401);
  });

  it('is not opened by a full-access API token', async () => {
    const token = await app.strapi
      .service('admin::api-token')
      .create({ name: 'full', type: 'full-access', lifespan: null, description: '' });
    const res = await app.http().get('/api/imbachat/v1/users/1').set('Authorization', `Bearer ${token.accessKey}`);
    expect(res.status).toBe(401);
  });
});
