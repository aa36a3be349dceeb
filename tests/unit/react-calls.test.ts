/// <reference lib="dom" />
/**
 * The React entry's widget calls: the session hands openDialog the logged-in user's JWT (so the site
 * signs a dialog token) and refuses every call at once where this visitor has no chat; useImbaChat()
 * offers every call; <ImbaChatRoom> on the server renders its element and nothing else.
 */
import type { ChatToken } from '../../contract';
import { createChatSession, type ChatLoader, type DialogRequest } from '../../react/src/session';

const STRAPI = 'https://cms.example.com';
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A session whose page records dialogs with what they were asked with; users by JWT `jwt-<id>`. */
const fakePage = ({ guests = true, hang = false } = {}) => {
  const dialogs: [number | string, DialogRequest][] = [];
  const loader: ChatLoader = {
    loadForVisitor: async () => guests,
    fetchChatToken: async ({ jwt }) =>
      hang ? new Promise<ChatToken>(() => undefined) : ({ token: `chat-${jwt}`, user_id: Number(jwt.split('-')[1]), expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} }) satisfies ChatToken,
    loadForUser: async () => undefined,
    openDialog: async (userId, request) => {
      dialogs.push([userId, request]);
      return 'opened';
    },
  };
  return { session: createChatSession(loader), dialogs };
};

describe("the session's openDialog asks with the session's user", () => {
  it("passes the Strapi URL, API prefix and the current JWT (a refreshed one too), so the site signs the user's dialog token", async () => {
    const { session, dialogs } = fakePage();
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5' });
    await settle();
    await expect(session.openDialog(7)).resolves.toBe('opened');
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5-refreshed' });
    await settle();
    await session.openDialog('8', { timeoutMs: 500 });
    expect(dialogs).toEqual([
      [7, { timeoutMs: undefined, strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5' }],
      ['8', { timeoutMs: 500, strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5-refreshed' }],
    ]);
  });

  it('passes no JWT for a visitor, and none before anything was started (a plain openDialog)', async () => {
    const { session, dialogs } = fakePage();
    await session.openDialog(3);
    session.start({ strapiUrl: STRAPI });
    await settle();
    await session.openDialog(4);
    expect(dialogs).toEqual([
      [3, { timeoutMs: undefined, strapiUrl: undefined, apiPrefix: undefined, jwt: undefined }],
      [4, { timeoutMs: undefined, strapiUrl: STRAPI, apiPrefix: undefined, jwt: undefined }],
    ]);
  });
});

describe('the session refuses every widget call at once where this visitor has no chat', () => {
  const states: [string, (session: ReturnType<typeof createChatSession>) => Promise<void>, boolean?][] = [
    ['guests-off', async (session) => session.start({ strapiUrl: STRAPI }), false],
    [
      'logged-out',
      async (session) => {
        session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
        await settle();
        session.start({ strapiUrl: STRAPI, jwt: null });
      },
    ],
    [
      'reload-needed',
      async (session) => {
        session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
        await settle();
        session.start({ strapiUrl: STRAPI, jwt: 'jwt-6' });
      },
    ],
  ];

  it.each(states)('%s: guard and openDialog reject with that code, calling nothing', async (code, reach, guests = true) => {
    const { session, dialogs } = fakePage({ guests });
    await reach(session);
    await settle();
    expect(session.getSnapshot().status).toBe(code);
    const called: string[] = [];
    await expect(session.guard(async () => called.push('openChat'))).rejects.toMatchObject({ name: 'ImbaChatError', code, status: 0 });
    await expect(session.openDialog(2)).rejects.toMatchObject({ code });
    expect(called).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it.each(['idle', 'loading', 'ready'])('lets the calls through while %s (they wait for the widget themselves)', async (wanted) => {
    const { session } = fakePage({ hang: wanted === 'loading' });
    if (wanted !== 'idle') session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    expect(session.getSnapshot().status).toBe(wanted);
    await expect(session.guard(async () => 'joined')).resolves.toBe('joined');
  });
});

describe('the React entry on the server (renderToString)', () => {
  // Loaded afresh (the page's one session is module state), with the React that renders it.
  const entry = () => {
    jest.resetModules();
    return {
      ...(require('react') as typeof import('react')),
      ...(require('react-dom/server') as typeof import('react-dom/server')),
      ...(require('../../react/src') as typeof import('../../react/src')),
    };
  };

  it('<ImbaChatRoom> renders its element and nothing else, touching no window', () => {
    const { ImbaChat, ImbaChatRoom, StrictMode, createElement, renderToString } = entry();
    expect(typeof window).toBe('undefined');
    expect(renderToString(createElement(ImbaChatRoom, { slug: 'lobby', name: 'The lobby' }))).toBe('<div id="lobby" data-imbachat_chat_ph="1"></div>');
    const page = createElement(
      StrictMode,
      null,
      createElement(ImbaChat, { strapiUrl: STRAPI, jwt: 'j' }, createElement(ImbaChatRoom, { slug: 'event-42', className: 'chat', style: { height: 400 } }))
    );
    expect(renderToString(page)).toBe('<div id="event-42" data-imbachat_chat_ph="1" class="chat" style="height:400px"></div>');
  });

  it('useImbaChat() offers the state and every call; the calls reach the widget when called', async () => {
    const { useImbaChat, createElement, renderToString } = entry();
    let api: ReturnType<typeof useImbaChat> | undefined;
    const Probe = () => {
      api = useImbaChat();
      return null;
    };
    expect(renderToString(createElement(Probe))).toBe('');
    expect(api).toMatchObject({ status: 'idle', error: null, userId: null, reloadForUserId: null });
    for (const name of ['openDialog', 'openChat', 'closeChat', 'joinRoom', 'embedChat', 'onWidget'] as const) expect(typeof api![name]).toBe('function');

    // In a browser: the calls are the client's, on the page's imbaApi.
    const calls: unknown[][] = [];
    const record = (name: string) => (...args: unknown[]) => calls.push([name, ...args]);
    const imbaApi = { room_type: { conference: 'c' }, openChat: record('openChat'), closeChat: record('closeChat'), addToRoom: record('addToRoom'), openDialog: record('openDialog'), on: record('on') };
    (globalThis as unknown as { window: unknown }).window = { imbaApi };
    try {
      await api!.openChat();
      await api!.joinRoom({ pipe: 'event-42', title: 'Concert', isPublic: true });
      await api!.openDialog(9);
      const off = await api!.onWidget('imbaChat.loaded', () => undefined);
      off();
      await api!.closeChat();
      expect(calls).toEqual([
        ['openChat'],
        ['addToRoom', { pipe: 'event-42', title: 'Concert', is_public: 1, type: 'c' }],
        ['openDialog', 9],
        ['on', 'imbaChat.loaded', expect.any(Function)],
        ['closeChat'],
      ]);
    } finally {
      delete (globalThis as unknown as { window?: unknown }).window;
    }
  });
});
