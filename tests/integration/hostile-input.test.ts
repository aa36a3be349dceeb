import fc from 'fast-check';
import { basic, configure, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'hostile-password-1';
const SECRET = 'hostile-secret-key-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';

// Characters that LIKE, SQL or JSON treat specially, and letters; kept to ASCII because MySQL's
// unicode_ci collations also ignore accents, which JavaScript's toLowerCase (the oracle) does not.
const ALPHABET = ['%', '_', '\\', "'", '"', '[', ']', '*', ';', '-', 'a', 'b', 'A', 'B', 'x', '1'];
const NAMES = ['a%b', 'a_b', 'a\\b', "o'brien", '"quoted"', '[x]', 'ab', 'AB1', 'x*y', '100%', '__init__', 'a-b;', 'plain'];

let app: TestApp;
beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, secretKey: SECRET, widgetId: 'w', nameField: 'displayName' });
  await app.strapi.db.query(USER_UID).createMany({
    data: NAMES.map((name, i) => ({ username: `u${i}-${name}`, email: `user${i}@example.test`, displayName: name, provider: 'local', confirmed: true, blocked: false })),
  });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, SECRET]);
  } finally {
    await app?.close();
  }
});

describe('search term escaping, generated terms', () => {
  it('finds exactly the users whose name or username contains the term (10,000 terms; emails are not shared)', async () => {
    const users = (await app.strapi.db.query(USER_UID).findMany({ select: ['id', 'username', 'email', 'displayName'] })) as {
      id: number;
      username: string;
      email: string;
      displayName: string;
    }[];
    const search = app.strapi.plugin('imbachat').service('users');
    const settings = await app.strapi.plugin('imbachat').service('settings').get();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')), async (term) => {
        const found = (await search.search(term, 100, 'http://x.test', settings)).map((user: { user_id: number }) => user.user_id).sort();
        const lower = term.toLowerCase();
        const expected = users
          .filter((u) => [u.username, u.displayName].some((field) => field.toLowerCase().includes(lower)))
          .map((u) => u.id)
          .sort();
        return JSON.stringify(found) === JSON.stringify(expected);
      }),
      { numRuns: 10_000 }
    );
    // 10,000 queries: a loaded machine needs more than the default minute.
  }, 240_000);
});

/** ImbaChat's error shape, with the HTTP status as its code. */
const expectChatError = (res: { status: number; body: unknown; headers: Record<string, string> }) => {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ code: res.status, version: 1, error: expect.any(String), debug: '' });
  expect((res.body as { error: string }).error).not.toMatch(/\n\s+at /);
};

describe('errors raised before routing, on the chat-server API', () => {
  const post = (path = '/api/imbachat/v1/users') => app.http().post(path).set('Authorization', AUTH);

  it('answers a malformed JSON body with 400 in ImbaChat\'s shape', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"user_ids": [1, 2');
    expect(res.status).toBe(400);
    expectChatError(res);
  });

  it('answers a body over the size limit with 413 in ImbaChat\'s shape', async () => {
    const res = await post().set('Content-Type', 'application/json').send(JSON.stringify({ user_ids: '1,'.repeat(2_000_000) }));
    expect(res.status).toBe(413);
    expectChatError(res);
  });

  it.each(['application/xml', 'text/plain', 'multipart/form-data; boundary=x'])('answers a %s body with 415 in ImbaChat\'s shape', async (type) => {
    const res = await post('/api/imbachat/v1/auth_users').set('Content-Type', type).send('login=a&password=b');
    expect(res.status).toBe(415);
    expectChatError(res);
  });

  it('answers an unknown path with 404 in ImbaChat\'s shape', async () => {
    const res = await app.http().get('/api/imbachat/v1/nothing-here').set('Authorization', AUTH);
    expect(res.status).toBe(404);
    expectChatError(res);
  });

  it('leaves the rest of the site\'s errors in Strapi\'s shape', async () => {
    const res = await app.http().post('/api/auth/local').set('Content-Type', 'application/json').send('{"identifier": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400 } });
  });
});

describe('malformed requests at every route', () => {
  // Every route that takes input and needs credentials (the public widget and version take none).
  const ROUTES = ['/api/imbachat/v1/users', '/api/imbachat/v1/users/1,2', '/api/imbachat/v1/search', '/api/imbachat/v1/search/x', '/api/imbachat/v1/auth_users', '/api/imbachat/v1/notifications', '/api/imbachat/v1/user/friends/1', '/api/imbachat/token', '/api/imbachat/dialog', '/imbachat/settings', '/imbachat/settings/test', '/imbachat/dashboard'];
  const header = fc.oneof(
    fc.constant('A'.repeat(12_000)),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.string({ maxLength: 30 }).map((s) => `Basic ${s}`),
    fc.string({ maxLength: 30 }).map((s) => `Bearer ${s}`),
    fc.constant(`Basic ${Buffer.from(`${LOGIN}:${'x'.repeat(5000)}`).toString('base64')}`)
  );
  const body = fc.oneof(
    fc.constant('{"user_ids": [1, 2'),
    fc.constant('<xml>1</xml>'),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.json({ maxDepth: 3 }),
    fc.constant(JSON.stringify({ user_ids: { $gt: 0 }, login: ['a'], password: { $ne: null } }))
  );
  const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16');
  const query = fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }).map((s) => `?q=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`), fc.constant('?user_ids[a][b]=1&ids[]=x&q[]=1&q[]=2'), fc.constant('?limit=99999999999999999999'));

  it('answers 4xx, never 5xx, to 300 generated malformed requests', async () => {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.constantFrom('get', 'post', 'put'), header, body, contentType, query, async (route, method, authorization, payload, type, q) => {
        const request = (app.http() as any)[method](route + q).set('Content-Type', type);
        let res;
        try {
          res = await request.set('Authorization', authorization).send(payload);
        } catch (error) {
          // Node itself refuses headers over its size limit before Strapi sees them.
          return /header|ECONNRESET|socket hang up/i.test(String(error));
        }
        statuses.push(res.status);
        if (res.status < 400 || res.status >= 500) console.log(`${method} ${route}${q} ${type}: ${res.status} ${res.text.slice(0, 200)}`);
        if (route.startsWith('/api/imbachat/v1/')) expectChatError(res);
        return res.status >= 400 && res.status < 500;
      }),
      { numRuns: 300 }
    );
    // About a fifth carry a 12 kB header, which Node refuses before any route runs.
    expect(statuses.length).toBeGreaterThan(200);
  });

  it('answers authenticated but malformed chat-server requests with 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/imbachat/v1/users', '/api/imbachat/v1/search', '/api/imbachat/v1/auth_users', '/api/imbachat/v1/user/friends/1'), body, contentType, query, async (route, payload, type, q) => {
        const method = route.endsWith('auth_users') ? 'post' : 'get';
        const res = await (app.http() as any)[method](route + q).set('Authorization', AUTH).set('Content-Type', type).send(payload);
        if (res.status >= 400) expectChatError(res);
        return res.status < 500 && res.headers['content-type']?.startsWith('application/json');
      }),
      { numRuns: 200 }
    );
  });
});
