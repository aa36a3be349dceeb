/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { fetchChatToken, fetchWidget, isGuestsOff } from '../../client/src/api';
import { loadImbaChat } from '../../client/src';
import { ImbaChatError } from '../../client/src/errors';

const STRAPI = 'https://cms.example.com/';
const realFetch = global.fetch;
let calls: { url: string; init?: RequestInit }[];

/** fetch answering every request with this status and JSON body. */
const answer = (status: number, body: unknown) => {
  calls = [];
  global.fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
};

afterEach(() => {
  global.fetch = realFetch;
});

describe('fetchWidget (GET /api/imbachat/widget, for visitors)', () => {
  it("answers the widget and the site's options while guest mode is on", async () => {
    const widget = { widget_id: 'w1', script_url: 'https://api.imbachat.com/imbachat/v1/w1/widget', options: { theme: 'dark' } };
    answer(200, widget);
    const got = await fetchWidget({ strapiUrl: STRAPI });
    expect(got).toEqual(widget);
    expect(isGuestsOff(got)).toBe(false);
    expect(calls.map((call) => call.url)).toEqual(['https://cms.example.com/api/imbachat/widget']);
  });

  it('answers {guests: false}, not an error, while guest mode is off', async () => {
    answer(200, { guests: false });
    const got = await fetchWidget({ strapiUrl: STRAPI });
    expect(isGuestsOff(got)).toBe(true);
  });

  it('rejects with the HTTP status and Strapi\'s message while the widget is not configured', async () => {
    answer(503, { data: null, error: { status: 503, name: 'ServiceUnavailableError', message: 'ImbaChat is not configured: set the widget ID' } });
    await expect(fetchWidget({ strapiUrl: STRAPI })).rejects.toMatchObject({
      name: 'ImbaChatError',
      status: 503,
      message: 'ImbaChat is not configured: set the widget ID',
    });
  });
});

describe('fetchChatToken (GET /api/imbachat/token, for a logged-in user)', () => {
  it("sends the user's JWT as a bearer token and no cookies", async () => {
    answer(200, { token: 't', user_id: 5, expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} });
    await fetchChatToken({ strapiUrl: STRAPI, jwt: 'user-jwt' });
    expect(calls[0].url).toBe('https://cms.example.com/api/imbachat/token');
    expect(calls[0].init).toMatchObject({ headers: { Authorization: 'Bearer user-jwt' }, credentials: 'omit' });
  });

  it('rejects with status 0 when Strapi cannot be reached', async () => {
    global.fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const error = await fetchChatToken({ strapiUrl: STRAPI, jwt: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImbaChatError);
    expect(error).toMatchObject({ status: 0 });
  });
});

describe("apiPrefix (Strapi's api.rest.prefix)", () => {
  const grant = { token: 't', user_id: 5, expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} };

  it('asks /api/imbachat/… when left out, null or /api', async () => {
    answer(200, grant);
    await fetchChatToken({ strapiUrl: STRAPI, jwt: 'j' });
    await fetchChatToken({ strapiUrl: STRAPI, jwt: 'j', apiPrefix: null });
    await fetchWidget({ strapiUrl: STRAPI, apiPrefix: '/api' });
    expect(calls.map((call) => call.url)).toEqual([
      'https://cms.example.com/api/imbachat/token',
      'https://cms.example.com/api/imbachat/token',
      'https://cms.example.com/api/imbachat/widget',
    ]);
  });

  it.each([
    ['/v2', 'https://cms.example.com/v2/imbachat/token'],
    ['/v2/', 'https://cms.example.com/v2/imbachat/token'],
    ['/v2///', 'https://cms.example.com/v2/imbachat/token'],
    ['/cms/rest-api', 'https://cms.example.com/cms/rest-api/imbachat/token'],
    ['/', 'https://cms.example.com/imbachat/token'],
  ])('asks the token route under %j', async (apiPrefix, url) => {
    answer(200, grant);
    await fetchChatToken({ strapiUrl: STRAPI, jwt: 'j', apiPrefix });
    expect(calls.map((call) => call.url)).toEqual([url]);
  });

  it('asks the widget route under it too', async () => {
    answer(200, { guests: false });
    await fetchWidget({ strapiUrl: 'https://cms.example.com', apiPrefix: '/v2' });
    expect(calls.map((call) => call.url)).toEqual(['https://cms.example.com/v2/imbachat/widget']);
  });

  it.each(['', 'v2', 'api/', '//evil.example', '/v2//x', 'https://evil.example/api', '/api?x=1', '/api#x', '/a b', '/a\\b', '/..', '/api/../admin', '/./api'])(
    'refuses %j with an ImbaChatError (bad-api-prefix, status 0) and sends nothing',
    async (apiPrefix) => {
      answer(200, grant);
      const token = await fetchChatToken({ strapiUrl: STRAPI, jwt: 'j', apiPrefix }).catch((caught: unknown) => caught);
      const widget = await fetchWidget({ strapiUrl: STRAPI, apiPrefix }).catch((caught: unknown) => caught);
      for (const error of [token, widget]) {
        expect(error).toBeInstanceOf(ImbaChatError);
        expect(error).toMatchObject({ code: 'bad-api-prefix', status: 0 });
        expect((error as Error).message).toContain('api.rest.prefix');
      }
      expect(calls).toEqual([]);
    }
  );

  it('refuses a prefix that is not a string (a JavaScript caller)', async () => {
    answer(200, grant);
    await expect(fetchChatToken({ strapiUrl: STRAPI, jwt: 'j', apiPrefix: 2 as unknown as string })).rejects.toMatchObject({ code: 'bad-api-prefix' });
    expect(calls).toEqual([]);
  });
});

describe('loadImbaChat with apiPrefix', () => {
  it("asks the visitor's widget under the prefix (guest mode off: nothing else happens)", async () => {
    answer(200, { guests: false });
    await expect(loadImbaChat({ strapiUrl: STRAPI, apiPrefix: '/v2' })).resolves.toEqual({ loaded: false, reason: 'guests-off' });
    expect(calls.map((call) => call.url)).toEqual(['https://cms.example.com/v2/imbachat/widget']);
  });

  it("asks a user's chat token under the prefix", async () => {
    answer(401, { data: null, error: { status: 401, name: 'UnauthorizedError', message: 'Invalid or expired token' } });
    await expect(loadImbaChat({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'old' })).rejects.toMatchObject({ status: 401 });
    expect(calls.map((call) => call.url)).toEqual(['https://cms.example.com/v2/imbachat/token']);
  });

  it('rejects a bad prefix before asking anything', async () => {
    answer(200, { guests: false });
    await expect(loadImbaChat({ strapiUrl: STRAPI, apiPrefix: 'https://evil.example' })).rejects.toMatchObject({ code: 'bad-api-prefix' });
    expect(calls).toEqual([]);
  });
});
