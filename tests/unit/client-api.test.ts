import { fetchChatToken, fetchWidget, isGuestsOff } from '../../client/src/api';
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
