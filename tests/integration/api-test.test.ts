import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { configure, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const API_LOGIN = 'chat';
const API_PASSWORD = 'api-test-suite-password-1';
/** A password typed into the admin's form and never saved. */
const FORM_PASSWORD = 'typed-not-saved-password-9';

interface Recorder {
  url: string;
  calls: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 that records each request and answers with `reply`. */
const recordingServer = async (reply: (res: http.ServerResponse) => void): Promise<Recorder> => {
  const calls: Recorder['calls'] = [];
  const server = http.createServer((req, res) => {
    calls.push({ path: req.url ?? '', authorization: req.headers.authorization });
    reply(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

// One Strapi for the file: the playground's logger is loaded once per file, so a second boot would log
// nowhere and the secrets check below would see nothing. Each describe points server.url (what
// PUBLIC_URL sets in the playground's config/server.js) where it needs and puts it back.
let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: API_LOGIN, apiPassword: API_PASSWORD });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [API_PASSWORD, FORM_PASSWORD]);
  } finally {
    await app?.close();
  }
});

const testApi = (userIds: string) =>
  app.http().post('/imbachat/settings/test').set('Authorization', `Bearer ${token}`).send({ user_ids: userIds });

/** Sets Strapi's `server.url` for the enclosing describe and restores it afterwards. */
const useServerUrl = (serverUrl: () => string) => {
  let previous: unknown;
  beforeAll(() => {
    previous = app.strapi.config.get('server.url');
    app.strapi.config.set('server.url', serverUrl());
  });
  afterAll(() => {
    app.strapi.config.set('server.url', previous);
  });
};

describe('POST /imbachat/settings/test when the users-info URL answers a redirect', () => {
  let target: Recorder;
  let redirector: Recorder;

  beforeAll(async () => {
    target = await recordingServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    });
    redirector = await recordingServer((res) => {
      res.writeHead(302, { Location: `${target.url}/elsewhere` }).end();
    });
  });
  useServerUrl(() => redirector.url);
  afterAll(async () => {
    await redirector?.close();
    await target?.close();
  });

  it('answers the 302 with the Location and does not follow it', async () => {
    const res = await testApi('1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: false,
      status: 302,
      url: `${redirector.url}/api/imbachat/v1/users?user_ids=1`,
      durationMs: expect.any(Number),
      body: { error: expect.stringContaining(`redirected to ${target.url}/elsewhere`) },
      credentials: 'saved',
    });
    expect(res.body.body.error).toMatch(/not followed/);
    // The request went where server.url points, with the credentials, and no further.
    expect(redirector.calls).toEqual([
      { path: '/api/imbachat/v1/users?user_ids=1', authorization: `Basic ${Buffer.from(`${API_LOGIN}:${API_PASSWORD}`).toString('base64')}` },
    ]);
    expect(target.calls).toEqual([]);
  });
});

describe('POST /imbachat/settings/test when server.url is plain http on another host', () => {
  useServerUrl(() => 'http://chat-test.example');

  it('sends nothing and tells the admin to set an https server.url', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    try {
      const res = await testApi('1');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: false,
        status: 0,
        url: 'http://chat-test.example/api/imbachat/v1/users?user_ids=1',
        durationMs: expect.any(Number),
        body: { error: expect.stringMatching(/https/) },
        credentials: 'saved',
      });
      expect(res.body.body.error).toMatch(/server\.url/);
      expect(res.body.body.error).not.toMatch(/Request failed|ENOTFOUND|EAI_AGAIN/);
      expect(res.body.durationMs).toBeLessThan(50);
      // Strapi runs in this process: no fetch at all means no request left it.
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('POST /imbachat/settings/test on this server itself (loopback)', () => {
  it('calls the users-info URL over plain http and answers ok', async () => {
    const user = await createSiteUser(app.strapi, { username: 'looped' });
    const res = await testApi(`${user.id}`);
    expect(res.body).toEqual({
      ok: true,
      status: 200,
      url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/imbachat/v1/users\\?user_ids=${user.id}$`)),
      durationMs: expect.any(Number),
      body: [{ user_id: user.id, name: 'looped' }],
      credentials: 'saved',
    });
  });
});

describe('POST /imbachat/settings/test with the form\'s credentials', () => {
  const withBody = (body: object) => app.http().post('/imbachat/settings/test').set('Authorization', `Bearer ${token}`).send(body);
  const lastTest = async () =>
    (await app.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`)).body.data.lastTest as { at: string; ok: boolean; status: number } | null;
  const savedSettings = () => app.strapi.plugin('imbachat').service('settings').get() as Promise<{ apiLogin: string; apiPassword: string }>;

  it('tests the typed password instead of the saved one, stores nothing and records no test', async () => {
    const user = await createSiteUser(app.strapi, { username: 'formfay' });
    expect((await testApi(`${user.id}`)).body).toMatchObject({ ok: true, status: 200, credentials: 'saved' });
    const before = await lastTest();
    expect(before).toEqual({ at: expect.any(String), ok: true, status: 200 });

    const res = await withBody({ user_ids: `${user.id}`, apiPassword: FORM_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 401, credentials: 'form', body: { code: 401, error: 'Authenticate required!' } });
    expect(res.text).not.toContain(FORM_PASSWORD);
    expect(await savedSettings()).toMatchObject({ apiLogin: API_LOGIN, apiPassword: API_PASSWORD });
    expect(await lastTest()).toEqual(before);
  });

  it('tests a typed login with the saved password', async () => {
    const res = await withBody({ user_ids: '1', apiLogin: 'someone-else' });
    expect(res.body).toMatchObject({ ok: false, status: 401, credentials: 'form' });
  });

  it('counts the form\'s values as the saved ones when they are the same (the login in any case), and records the run', async () => {
    const user = await createSiteUser(app.strapi, { username: 'formgus' });
    const res = await withBody({ user_ids: `${user.id}`, apiLogin: API_LOGIN.toUpperCase(), apiPassword: API_PASSWORD });
    expect(res.body).toMatchObject({ ok: true, status: 200, credentials: 'saved', body: [{ user_id: user.id, name: 'formgus' }] });
    const recorded = await lastTest();
    expect(recorded).toMatchObject({ ok: true, status: 200 });
    expect(Math.abs(Date.parse(recorded!.at) - Date.now())).toBeLessThan(5000);
  });

  it('takes empty values as "the saved one" (a password field left empty)', async () => {
    const res = await withBody({ user_ids: '1', apiLogin: '', apiPassword: '' });
    expect(res.body).toMatchObject({ ok: true, status: 200, credentials: 'saved' });
  });

  it.each([
    ['apiPassword', 'a number', 12345],
    ['apiPassword', 'a list', ['a', 'b']],
    ['apiPassword', '501 characters', 'x'.repeat(501)],
    ['apiLogin', 'an object', { login: 'x' }],
    ['apiLogin', 'a colon', 'has:colon'],
    ['apiLogin', '201 characters', 'y'.repeat(201)],
    ['user_ids', 'an object', { ids: 1 }],
  ])('refuses %s as %s with 400 naming the field, without echoing it', async (field, _, value) => {
    const res = await withBody({ user_ids: '1', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect(res.body.error.message).toContain(field);
    if (typeof value === 'string') expect(res.text).not.toContain(value);
  });
});
