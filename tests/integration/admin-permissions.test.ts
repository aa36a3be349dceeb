import { adminToken, createAdmin, createRole } from '../helpers/admin';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #20: every admin route's permission is enforced on the server, whatever the admin page shows.
const LOGIN = 'chat';
const PASSWORD = 'permissions-suite-password';

let app: TestApp;
let readerToken: string;
let editorToken: string;
let lockoutKey: string;

const as = (token: string) => ({
  status: () => app.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`),
  users: () => app.http().get('/imbachat/users?q=a').set('Authorization', `Bearer ${token}`),
  unlock: (key: string) => app.http().delete(`/imbachat/status/lockouts/${key}`).set('Authorization', `Bearer ${token}`),
  testEmail: () => app.http().post('/imbachat/settings/test-email').set('Authorization', `Bearer ${token}`).send({}),
  test: (body: object) => app.http().post('/imbachat/settings/test').set('Authorization', `Bearer ${token}`).send(body),
});

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
  app.strapi.config.set('plugin::imbachat.throttle.basicAuth', { max: 2, windowSeconds: 60 });
  const readOnly = await createRole(app.strapi, 'ImbaChat reader', ['plugin::imbachat.settings.read']);
  readerToken = await adminToken(app, await createAdmin(app.strapi, [readOnly]));
  // Strapi's Editor role has no ImbaChat permission at all.
  const editor = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
  editorToken = await adminToken(app, await createAdmin(app.strapi, [editor.id]));
  // A lockout for the Unlock attempts to aim at.
  for (let i = 0; i < 2; i += 1) await app.http().get('/api/imbachat/v1/users/1').set('Authorization', basic(LOGIN, `guess-${i}`));
});
afterAll(async () => {
  await app?.close();
});

describe('an admin with the read permission only', () => {
  it('reads the status and lists users for the picker', async () => {
    const status = await as(readerToken).status();
    expect(status.status).toBe(200);
    expect(status.body.data.lockouts).toHaveLength(1);
    lockoutKey = status.body.data.lockouts[0].key;
    expect((await as(readerToken).users()).status).toBe(200);
  });

  it('cannot unlock, send a test email or run Test API, with or without the form\'s credentials (403)', async () => {
    const key = lockoutKey ?? (await as(readerToken).status()).body.data.lockouts[0].key;
    expect((await as(readerToken).unlock(key)).status).toBe(403);
    expect((await as(readerToken).testEmail()).status).toBe(403);
    expect((await as(readerToken).test({ user_ids: '1', apiLogin: 'x', apiPassword: 'y-typed-password' })).status).toBe(403);
    expect((await as(readerToken).test({ user_ids: '1' })).status).toBe(403);
    // The refused Unlock changed nothing.
    expect((await as(readerToken).status()).body.data.lockouts.map((lockout: { key: string }) => lockout.key)).toEqual([key]);
  });
});

describe('an admin without ImbaChat permissions', () => {
  it('gets 403 from every route', async () => {
    expect((await as(editorToken).status()).status).toBe(403);
    expect((await as(editorToken).users()).status).toBe(403);
    expect((await as(editorToken).unlock('0'.repeat(64))).status).toBe(403);
    expect((await as(editorToken).testEmail()).status).toBe(403);
  });
});
