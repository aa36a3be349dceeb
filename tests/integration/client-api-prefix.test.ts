/**
 * A site that changed Strapi's `api.rest.prefix` (config/api.js: `rest: {prefix: '/v2'}`) answers
 * the front end through the browser client given `apiPrefix: '/v2'`, over real HTTP.
 */
import type { AddressInfo } from 'node:net';
import { fetchChatToken, fetchWidget } from '../../client/src/api';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, expectNoSecretsIn, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

// The playground with the prefix set before Strapi loads, as the site's config/api.js would set it.
jest.mock('@strapi/strapi', () => {
  const actual = jest.requireActual('@strapi/strapi');
  return {
    ...actual,
    createStrapi: (options: unknown) => {
      const strapi = actual.createStrapi(options);
      strapi.config.set('api.rest.prefix', '/v2');
      return strapi;
    },
  };
});

const SECRET = 'prefix-secret-key-1234';

let app: TestApp;
let origin: string;
let alice: { id: number };

beforeAll(async () => {
  app = await startStrapi();
  await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(app.strapi.server.httpServer.address() as AddressInfo).port}`;
  alice = await createSiteUser(app.strapi, { username: 'alice' });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [SECRET]);
  } finally {
    await app?.close();
  }
});
restoreAfterEach(() => app);

describe("the client on a site whose api.rest.prefix is '/v2'", () => {
  it("gets a logged-in user's chat token with apiPrefix '/v2'", async () => {
    await configure(app.strapi, { widgetId: 'w-v2', secretKey: SECRET });
    const jwt = await siteUserJwt(app.strapi, alice.id);
    const grant = await fetchChatToken({ strapiUrl: origin, apiPrefix: '/v2', jwt });
    expect(grant).toMatchObject({ user_id: alice.id, widget_id: 'w-v2', script_url: 'https://api.imbachat.com/imbachat/v1/w-v2/widget' });
    const payload = JSON.parse(Buffer.from(grant.token.split('.')[1], 'base64url').toString('utf8'));
    expect(payload).toEqual({ exp: grant.expires_at, user_id: alice.id });
    // A trailing slash is the same prefix.
    await expect(fetchChatToken({ strapiUrl: `${origin}/`, apiPrefix: '/v2/', jwt })).resolves.toMatchObject({ user_id: alice.id });
  });

  it("gets the visitor's widget with apiPrefix '/v2'", async () => {
    await configure(app.strapi, { widgetId: 'w-v2', widgetOptions: { theme: 'dark' } });
    await expect(fetchWidget({ strapiUrl: origin, apiPrefix: '/v2' })).resolves.toEqual({
      widget_id: 'w-v2',
      script_url: 'https://api.imbachat.com/imbachat/v1/w-v2/widget',
      options: { theme: 'dark' },
    });
  });

  it('gets 404 under the default /api, which this site does not serve', async () => {
    await configure(app.strapi, { widgetId: 'w-v2', secretKey: SECRET });
    const jwt = await siteUserJwt(app.strapi, alice.id);
    await expect(fetchChatToken({ strapiUrl: origin, jwt })).rejects.toMatchObject({ name: 'ImbaChatError', status: 404 });
    await expect(fetchWidget({ strapiUrl: origin })).rejects.toMatchObject({ name: 'ImbaChatError', status: 404 });
  });

  it("matches the front end's URLs the admin page lists", async () => {
    const token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(new URL(res.body.meta.endpoints.token).pathname).toBe('/v2/imbachat/token');
    expect(new URL(res.body.meta.endpoints.widget).pathname).toBe('/v2/imbachat/widget');
    expect(new URL(res.body.meta.endpoints.usersInfo).pathname).toBe('/v2/imbachat/v1/users');
  });
});
