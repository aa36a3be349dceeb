import type { ChatToken } from '../../contract';
import { createChatSession, IDLE, type ChatLoader, type ChatState } from '../../react/src/session';

const STRAPI = 'https://cms.example.com';

/** A loader that records what the session asked of the page; users by JWT: `jwt-<id>` or `jwt-<id>-<n>`. */
const fakePage = ({ guests = true, failTokens = false } = {}) => {
  const loads: unknown[] = [];
  const tokens: string[] = [];
  const dialogs: (number | string)[] = [];
  const loader: ChatLoader = {
    loadForVisitor: async () => {
      if (guests) loads.push('visitor');
      return guests;
    },
    fetchChatToken: async ({ jwt }) => {
      tokens.push(jwt);
      if (failTokens) throw Object.assign(new Error('Your session has expired'), { status: 401 });
      return { token: `chat-${jwt}`, user_id: Number(jwt.split('-')[1]), expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} } satisfies ChatToken;
    },
    loadForUser: async (grant) => {
      loads.push(grant.user_id);
    },
    openDialog: async (userId) => {
      dialogs.push(userId);
    },
  };
  const session = createChatSession(loader);
  const states: ChatState['status'][] = [];
  session.subscribe(() => states.push(session.getSnapshot().status));
  return { session, loads, tokens, dialogs, states };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the React chat session (one ImbaChat.load per page and user)', () => {
  it('starts idle, and stays idle on the server', () => {
    const { session } = fakePage();
    expect(session.getSnapshot()).toEqual(IDLE);
    expect(session.getServerSnapshot()).toEqual({ status: 'idle', error: null, userId: null, reloadForUserId: null });
  });

  it('loads once for a visitor however often it is asked (re-renders, remounts, StrictMode)', async () => {
    const { session, loads, states } = fakePage();
    session.start({ strapiUrl: STRAPI });
    session.start({ strapiUrl: STRAPI, jwt: null });
    await settle();
    session.start({ strapiUrl: STRAPI, options: { theme: 'dark' } });
    await settle();
    expect(loads).toEqual(['visitor']);
    expect(states).toEqual(['loading', 'ready']);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: null, reloadForUserId: null });
  });

  it("says guests-off, loads nothing, and refuses a dialog at once while the site's guest mode is off", async () => {
    const { session, loads, dialogs } = fakePage({ guests: false });
    session.start({ strapiUrl: STRAPI });
    await settle();
    expect(session.getSnapshot().status).toBe('guests-off');
    expect(loads).toEqual([]);
    await expect(session.openDialog(2)).rejects.toMatchObject({ name: 'ImbaChatError', code: 'guests-off', status: 0 });
    expect(dialogs).toEqual([]);
  });

  it('loads once for a user, and not again for a new JWT of the same user', async () => {
    const { session, loads, tokens } = fakePage();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5-refreshed' });
    await settle();
    expect(loads).toEqual([5]);
    expect(tokens).toEqual(['jwt-5', 'jwt-5-refreshed']);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: 5, reloadForUserId: null });
  });

  it('loads for the user who logs in after the guest widget', async () => {
    const { session, loads } = fakePage();
    session.start({ strapiUrl: STRAPI });
    await settle();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    expect(loads).toEqual(['visitor', 5]);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: 5, reloadForUserId: null });
  });

  it.each([
    ['straight from one user to another', false],
    ['after a log-out', true],
  ])("never loads another user's chat over a user's widget (%s): says reload-needed and refuses dialogs", async (_how, logOutFirst) => {
    const { session, loads, dialogs, states } = fakePage();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    if (logOutFirst) {
      session.start({ strapiUrl: STRAPI, jwt: null });
      await settle();
      expect(session.getSnapshot().status).toBe('logged-out');
    }
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-6' });
    await settle();
    expect(loads).toEqual([5]);
    expect(session.getSnapshot()).toEqual({ status: 'reload-needed', error: null, userId: 5, reloadForUserId: 6 });
    expect(states[states.length - 1]).toBe('reload-needed');
    await expect(session.openDialog(2)).rejects.toMatchObject({ name: 'ImbaChatError', code: 'reload-needed', status: 0 });
    expect(dialogs).toEqual([]);
  });

  it('goes back to ready when the widget\'s own user comes back before any page load', async () => {
    const { session, loads } = fakePage();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-6' });
    await settle();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5-again' });
    await settle();
    expect(loads).toEqual([5]);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: 5, reloadForUserId: null });
  });

  it('on log-out loads nothing over the user\'s widget, says logged-out and refuses dialogs; the same user back loads nothing', async () => {
    const { session, loads, dialogs } = fakePage();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    session.start({ strapiUrl: STRAPI, jwt: null });
    await settle();
    expect(session.getSnapshot()).toEqual({ status: 'logged-out', error: null, userId: 5, reloadForUserId: null });
    await expect(session.openDialog(2)).rejects.toMatchObject({ code: 'logged-out' });
    expect(dialogs).toEqual([]);
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5-again' });
    await settle();
    expect(loads).toEqual([5]);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: 5, reloadForUserId: null });
  });

  it('loads only for the last of several quick changes', async () => {
    const { session, loads, tokens } = fakePage();
    session.start({ strapiUrl: STRAPI });
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    expect(loads).toEqual([5]);
    expect(tokens).toEqual(['jwt-5']);
  });

  it('reports a failed load with its error, and tries again when asked again', async () => {
    const { session, tokens } = fakePage({ failTokens: true });
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'error', error: { message: 'Your session has expired', status: 401 } });
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await settle();
    expect(tokens).toEqual(['jwt-5', 'jwt-5']);
  });

  it('passes openDialog to the widget while the chat is loading or ready', async () => {
    const { session, dialogs } = fakePage();
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    await session.openDialog(7);
    await settle();
    await session.openDialog('8');
    expect(dialogs).toEqual([7, '8']);
  });
});

describe("the React chat session with apiPrefix (Strapi's api.rest.prefix)", () => {
  it('passes the prefix to the token request and to the visitor load', async () => {
    const asked: unknown[] = [];
    const session = createChatSession({
      loadForVisitor: async (request) => {
        asked.push(['visitor', request.apiPrefix]);
        return true;
      },
      fetchChatToken: async ({ apiPrefix, jwt }) => {
        asked.push(['token', apiPrefix]);
        return { token: `chat-${jwt}`, user_id: 5, expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} };
      },
      loadForUser: async () => undefined,
      openDialog: async () => undefined,
    });
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2' });
    await settle();
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5' });
    await settle();
    expect(asked).toEqual([['visitor', '/v2'], ['token', '/v2']]);
  });

  it('uses the prefix given last when it changes before the first load runs (a prop corrected)', async () => {
    const prefixes: unknown[] = [];
    const session = createChatSession({
      loadForVisitor: async () => true,
      fetchChatToken: async ({ apiPrefix }) => {
        prefixes.push(apiPrefix);
        if (apiPrefix !== '/v2') throw Object.assign(new Error('Not Found'), { status: 404 });
        return { token: 't', user_id: 5, expires_at: 1, widget_id: 'w1', script_url: 'https://x', options: {} };
      },
      loadForUser: async () => undefined,
      openDialog: async () => undefined,
    });
    session.start({ strapiUrl: STRAPI, jwt: 'jwt-5' });
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5' });
    session.start({ strapiUrl: STRAPI, apiPrefix: '/v2', jwt: 'jwt-5' });
    await settle();
    expect(prefixes).toEqual(['/v2']);
    expect(session.getSnapshot()).toEqual({ status: 'ready', error: null, userId: 5, reloadForUserId: null });
  });
});
