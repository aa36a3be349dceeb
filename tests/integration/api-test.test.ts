import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { configure, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const API_LOGIN = 'chat';
const API_PASSWORD = 'api-test-suite-password-1';

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
    expectNoSecretsIn(app, [API_PASSWORD]);
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
    });
  });
});
