/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The client's widget calls against a stand-in `window.imbaApi` that records every call, and a
 * stand-in fetch for the site's dialog route. Each test loads the client afresh (the widget's
 * "loaded" state is the page's, one per module).
 */
type Client = typeof import('../../client/src');
type Listener = (...args: unknown[]) => void;

const CONFERENCE = 'conference-type';
const STRAPI = 'https://cms.example.com';

/** A stand-in for ImbaChat's `imbaApi`: records each call; `fire` plays a widget event; `withOff` gives it an `off`. */
const standIn = ({ withOff = false } = {}) => {
  const calls: unknown[][] = [];
  const listeners = new Map<string, Listener[]>();
  const api: Record<string, unknown> = {
    room_type: { conference: CONFERENCE },
    openChat: (...args: unknown[]) => calls.push(['openChat', ...args]) && 'opened',
    closeChat: (...args: unknown[]) => calls.push(['closeChat', ...args]) && 'closed',
    addToRoom: (...args: unknown[]) => calls.push(['addToRoom', ...args]) && 'joined',
    placeHolder: (...args: unknown[]) => calls.push(['placeHolder', ...args]) && 'embedded',
    openDialog: (...args: unknown[]) => calls.push(['openDialog', ...args]) && Promise.resolve('dialog'),
    on: (event: string, fn: Listener) => {
      calls.push(['on', event]);
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
    },
  };
  if (withOff) {
    api.off = (event: string, fn: Listener) => {
      calls.push(['off', event]);
      listeners.set(event, (listeners.get(event) ?? []).filter((listener) => listener !== fn));
    };
  }
  const fire = (event: string, ...args: unknown[]) => (listeners.get(event) ?? []).forEach((fn) => fn(...args));
  return { api, calls, fire, listeners };
};

const page = globalThis as unknown as { window?: { imbaApi?: unknown } };
const realFetch = global.fetch;
let client: Client;

beforeEach(() => {
  jest.resetModules();
  client = require('../../client/src') as Client;
  page.window = {};
});

afterEach(() => {
  timers.splice(0).forEach(clearTimeout);
  delete page.window;
  global.fetch = realFetch;
});

/** The widget script arrives after `ms` (in this test only). */
const timers: ReturnType<typeof setTimeout>[] = [];
const arrives = (api: unknown, ms = 0) => {
  const own = page.window!;
  timers.push(setTimeout(() => (own.imbaApi = api), ms));
};
const settle = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A page element, as far as embedChat touches it. */
const element = (isConnected = true) => {
  const attributes: Record<string, string> = {};
  return { id: '', isConnected, attributes, setAttribute: (name: string, value: string) => (attributes[name] = value) } as unknown as Element & { attributes: Record<string, string> };
};

describe('openChat, closeChat (imbaApi.openChat / closeChat)', () => {
  it('waits for the widget, then calls it with no arguments and answers what it answers', async () => {
    const { api, calls } = standIn();
    arrives(api, 120);
    const opened = client.openChat();
    await settle(20);
    expect(calls).toEqual([]);
    await expect(opened).resolves.toBe('opened');
    await expect(client.closeChat()).resolves.toBe('closed');
    expect(calls).toEqual([['openChat'], ['closeChat']]);
  });

  it('rejects with a typed widget-timeout when the widget never comes', async () => {
    const error = await client.openChat({ timeoutMs: 120 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(client.ImbaChatError);
    expect(error).toMatchObject({ code: 'widget-timeout', status: 0, message: 'The ImbaChat widget was not ready within 0.12 s' });
    await expect(client.closeChat({ timeoutMs: 60 })).rejects.toMatchObject({ code: 'widget-timeout' });
  });
});

describe('joinRoom (imbaApi.addToRoom)', () => {
  it.each([
    [true, 1],
    [false, 0],
    [undefined, 0],
  ])('isPublic %j: addToRoom({pipe, title, is_public: %j, type: imbaApi.room_type.conference})', async (isPublic, flag) => {
    const { api, calls } = standIn();
    arrives(api);
    await expect(client.joinRoom({ pipe: 'event-42', title: 'Concert, 4 May', isPublic })).resolves.toBe('joined');
    expect(calls).toEqual([['addToRoom', { pipe: 'event-42', title: 'Concert, 4 May', is_public: flag, type: CONFERENCE }]]);
  });

  it('times out as a typed error', async () => {
    await expect(client.joinRoom({ pipe: 'p', title: 't', timeoutMs: 60 })).rejects.toMatchObject({ name: 'ImbaChatError', code: 'widget-timeout' });
  });
});

describe('embedChat (a public chat inside the page: imbaApi.placeHolder)', () => {
  it("marks the element at once, and calls placeHolder(slug, name) only once the widget has loaded", async () => {
    const { api, calls, fire } = standIn();
    arrives(api);
    const box = element();
    const embedded = client.embedChat(box, { slug: 'lobby', name: 'The lobby' });
    expect(box.id).toBe('lobby');
    expect(box.attributes).toEqual({ 'data-imbachat_chat_ph': '1' });
    await settle(120);
    // The widget is there but has not said it loaded: nothing drawn yet.
    expect(calls).toEqual([['on', 'imbaChat.loaded']]);
    fire('imbaChat.loaded');
    await expect(embedded).resolves.toBe('embedded');
    expect(calls).toEqual([['on', 'imbaChat.loaded'], ['placeHolder', 'lobby', 'The lobby']]);
  });

  it('calls placeHolder once for the same element, slug and name however often it is asked (StrictMode runs effects twice)', async () => {
    const { api, calls, fire } = standIn();
    arrives(api);
    const box = element();
    const first = client.embedChat(box, { slug: 'lobby' });
    const second = client.embedChat(box, { slug: 'lobby' });
    expect(second).toBe(first);
    await settle(60);
    fire('imbaChat.loaded');
    await first;
    await client.embedChat(box, { slug: 'lobby' });
    // Another element (a new mount) gets its own; the name defaults to the slug.
    await client.embedChat(element(), { slug: 'lobby' });
    expect(calls.filter(([name]) => name === 'placeHolder')).toEqual([
      ['placeHolder', 'lobby', 'lobby'],
      ['placeHolder', 'lobby', 'lobby'],
    ]);
    // The widget's loaded event is listened to once per page.
    expect(calls.filter(([name]) => name === 'on')).toHaveLength(1);
  });

  it('draws nothing into an element that left the page before the widget loaded', async () => {
    const { api, calls, fire } = standIn();
    arrives(api);
    const gone = client.embedChat(element(false), { slug: 'lobby' });
    await settle(60);
    fire('imbaChat.loaded');
    await expect(gone).resolves.toBeUndefined();
    expect(calls.filter(([name]) => name === 'placeHolder')).toEqual([]);
  });

  it.each(['', '1lobby', 'lob by', 'a"b', '<x>', 'a.b', '#lobby', `a${'b'.repeat(64)}`, 42, null])(
    'refuses the slug %j (bad-slug, status 0) and touches nothing',
    async (slug) => {
      const { api, calls } = standIn();
      arrives(api);
      const box = element();
      const error = await client.embedChat(box, { slug: slug as string }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(client.ImbaChatError);
      expect(error).toMatchObject({ code: 'bad-slug', status: 0 });
      expect(box.id).toBe('');
      expect(box.attributes).toEqual({});
      await settle(60);
      expect(calls).toEqual([]);
    }
  );

  it('accepts letters, digits, - and _ after a first letter, up to 64', async () => {
    const { api, calls } = standIn();
    arrives(api);
    const slug = `A${'b_-9'.repeat(15)}xyz`;
    expect(slug).toHaveLength(64);
    const done = client.embedChat(element(), { slug, timeoutMs: 60 });
    await expect(done).rejects.toMatchObject({ code: 'widget-timeout' });
    expect(calls).toEqual([['on', 'imbaChat.loaded']]);
  });

  it('times out as a typed error when the widget never says it loaded, and may be asked again', async () => {
    const { api, calls, fire } = standIn();
    arrives(api);
    const box = element();
    await expect(client.embedChat(box, { slug: 'lobby', timeoutMs: 100 })).rejects.toMatchObject({ name: 'ImbaChatError', code: 'widget-timeout', status: 0 });
    const again = client.embedChat(box, { slug: 'lobby' });
    await settle(60);
    fire('imbaChat.loaded');
    await again;
    expect(calls.filter(([name]) => name === 'placeHolder')).toEqual([['placeHolder', 'lobby', 'lobby']]);
  });
});

describe('onWidget (imbaApi.on), answering an unsubscribe', () => {
  it('passes the events on until unsubscribed, then never again (a widget without off)', async () => {
    const { api, calls, fire } = standIn();
    arrives(api, 60);
    const got: unknown[][] = [];
    const unsubscribe = await client.onWidget('imbaChat.loaded', (...args) => got.push(args));
    fire('imbaChat.loaded', { ok: 1 });
    unsubscribe();
    fire('imbaChat.loaded', { ok: 2 });
    expect(got).toEqual([[{ ok: 1 }]]);
    expect(calls).toEqual([['on', 'imbaChat.loaded']]);
  });

  it("calls the widget's off with the same listener where it has one", async () => {
    const { api, calls, fire, listeners } = standIn({ withOff: true });
    arrives(api);
    const got: unknown[] = [];
    const unsubscribe = await client.onWidget('message', (value) => got.push(value));
    fire('message', 1);
    unsubscribe();
    fire('message', 2);
    expect(got).toEqual([1]);
    expect(calls).toEqual([['on', 'message'], ['off', 'message']]);
    expect(listeners.get('message')).toEqual([]);
  });

  it('times out as a typed error', async () => {
    await expect(client.onWidget('x', () => undefined, { timeoutMs: 60 })).rejects.toMatchObject({ code: 'widget-timeout' });
  });
});

describe('openDialog ("Write message")', () => {
  let requests: { url: string; init?: RequestInit }[];
  /** The site answers the dialog route with this status and body. */
  const site = (status: number, body: unknown) => {
    requests = [];
    global.fetch = (async (url: string, init?: RequestInit) => {
      requests.push({ url, init });
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
  };
  const DIALOG = { token: 'dialog.jwt.sig', user_id: 7, status: 0, expires_at: 1 };

  it('for a visitor (no jwt): imbaApi.openDialog(userId) as before, asking the site nothing', async () => {
    site(500, {});
    const { api, calls } = standIn();
    arrives(api, 60);
    await expect(client.openDialog(7)).resolves.toBe('dialog');
    await client.openDialog('8', { jwt: null, strapiUrl: STRAPI });
    expect(calls).toEqual([['openDialog', 7], ['openDialog', '8']]);
    expect(requests).toEqual([]);
  });

  it("for a logged-in user: POST /api/imbachat/dialog with the JWT, then imbaApi.openDialog(userId, 0, token)", async () => {
    site(200, DIALOG);
    const { api, calls } = standIn();
    arrives(api, 60);
    await expect(client.openDialog(7, { strapiUrl: `${STRAPI}/`, jwt: 'user-jwt' })).resolves.toBe('dialog');
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('https://cms.example.com/api/imbachat/dialog');
    expect(requests[0].init).toMatchObject({
      method: 'POST',
      headers: { Authorization: 'Bearer user-jwt', 'Content-Type': 'application/json' },
      credentials: 'omit',
    });
    expect(JSON.parse(requests[0].init!.body as string)).toEqual({ user_id: 7 });
    expect(calls).toEqual([['openDialog', 7, 0, 'dialog.jwt.sig']]);
  });

  it("asks under the site's apiPrefix, and fetchDialogToken answers the site's answer", async () => {
    site(200, { ...DIALOG, status: 1 });
    await expect(client.fetchDialogToken({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'j', userId: 7 })).resolves.toEqual({ ...DIALOG, status: 1 });
    expect(requests.map((request) => request.url)).toEqual(['https://cms.example.com/v2/imbachat/dialog']);
  });

  it.each([
    [403, 'dialog-refused', 'You cannot write to this user'],
    [404, 'unknown-user', 'No such user'],
    [400, 'self-dialog', 'You cannot open a dialog with yourself'],
    [429, 'rate-limited', 'Too many dialogs, try again later'],
    [401, 'unauthorized', 'Invalid or expired token'],
  ])('a %i refusal is an ImbaChatError with code %s and the site\'s message, and opens nothing', async (status, code, message) => {
    site(status, { data: null, error: { status, name: 'Error', message } });
    const { api, calls } = standIn();
    arrives(api);
    const error = await client.openDialog(7, { strapiUrl: STRAPI, jwt: 'user-jwt' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(client.ImbaChatError);
    expect(error).toMatchObject({ status, code, message });
    await settle(20);
    expect(calls).toEqual([]);
  });

  it('any other failure keeps its status without a code', async () => {
    site(503, { data: null, error: { status: 503, name: 'ServiceUnavailableError', message: 'ImbaChat is not configured' } });
    const error = await client.openDialog(7, { strapiUrl: STRAPI, jwt: 'j', timeoutMs: 60 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, message: 'ImbaChat is not configured' });
    expect((error as { code?: string }).code).toBeUndefined();
  });

  it.each([0, -1, 1.5, 'abc', '', '07', Number.NaN])('refuses the user id %j (bad-user-id) before asking anything', async (userId) => {
    site(200, DIALOG);
    const { api, calls } = standIn();
    arrives(api);
    await expect(client.openDialog(userId as number, { strapiUrl: STRAPI, jwt: 'j' })).rejects.toMatchObject({ code: 'bad-user-id', status: 0 });
    expect(requests).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('with the token but no widget in time: a typed widget-timeout', async () => {
    site(200, DIALOG);
    await expect(client.openDialog(7, { strapiUrl: STRAPI, jwt: 'j', timeoutMs: 80 })).rejects.toMatchObject({ code: 'widget-timeout' });
  });
});
