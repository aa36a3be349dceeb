/**
 * The page's one chat session, whatever renders `<ImbaChat>` and how often: one `ImbaChat.load` per
 * user, and a state for `useImbaChat()`. No React and no DOM here (the loader brings the page), so
 * the rules are unit-tested as they are.
 */
import type { ChatToken } from '../../contract';
import { ImbaChatError } from '../../client/src/errors';
import type { LoadOptions } from '../../client/src/options';

/**
 * - `idle`: nothing asked yet (and always on the server);
 * - `loading`: asking Strapi, adding the script, waiting for the widget;
 * - `ready`: the widget is loaded, for `userId` (null: a visitor);
 * - `guests-off`: a visitor, and the site's guest mode is off: no script was added;
 * - `logged-out`: the JWT went away after the widget was loaded for `userId`; the widget cannot be
 *   unloaded, so it keeps that user's session until the page reloads;
 * - `reload-needed`: a JWT of another user (`reloadForUserId`) came while the widget is `userId`'s:
 *   nothing is loaded over it; a page load starts that user's chat;
 * - `error`: the last load failed (`error`); the next mount or change of `strapiUrl`, `apiPrefix` or `jwt` tries again.
 */
export type ChatStatus = 'idle' | 'loading' | 'ready' | 'guests-off' | 'logged-out' | 'reload-needed' | 'error';

export interface ChatState {
  status: ChatStatus;
  /** Why the last load failed; an ImbaChatError carries the HTTP status. */
  error: Error | null;
  /** The site user the widget on the page is loaded for; null for a visitor or before any load. */
  userId: number | null;
  /** With `reload-needed`: the user the current JWT is for, whose chat needs a page load; null otherwise. */
  reloadForUserId: number | null;
}

export interface ChatRequest {
  strapiUrl: string;
  /** Strapi's `api.rest.prefix`; `/api` when left out. */
  apiPrefix?: string | null;
  jwt?: string | null;
  options?: LoadOptions;
  timeoutMs?: number;
}

/** What the session needs of the page: the client's calls (a test passes its own). */
export interface ChatLoader {
  /** Loads the guest widget; false when the site's guest mode is off (nothing added). */
  loadForVisitor(request: ChatRequest): Promise<boolean>;
  fetchChatToken(request: { strapiUrl: string; apiPrefix?: string | null; jwt: string }): Promise<ChatToken>;
  loadForUser(grant: ChatToken, request: ChatRequest): Promise<unknown>;
  /** With the session's `strapiUrl`, `apiPrefix` and `jwt`: a user's dialog token comes from the site. */
  openDialog(userId: number | string, options: DialogRequest): Promise<unknown>;
}

/** What the loader's openDialog gets: the caller's wait, and who is asking (no `jwt`: a visitor). */
export interface DialogRequest {
  timeoutMs?: number;
  strapiUrl?: string;
  apiPrefix?: string | null;
  jwt?: string | null;
}

export const IDLE: ChatState = Object.freeze({ status: 'idle', error: null, userId: null, reloadForUserId: null });

export const createChatSession = (loader: ChatLoader) => {
  let state = IDLE;
  const listeners = new Set<() => void>();
  const set = (next: Partial<ChatState>) => {
    state = { ...state, ...next };
    listeners.forEach((listener) => listener());
  };

  /** Who was last asked for (Strapi URL, API prefix and JWT): asking again, as a re-render or remount does, changes nothing. */
  let requested: string | undefined;
  /** Who the widget in the page is loaded for: a user id, a visitor, or nobody yet. */
  let loadedFor: number | 'visitor' | undefined;
  /** One load at a time, in the order asked. */
  let queue = Promise.resolve();
  /** The last request: whose JWT a dialog token is asked with. */
  let current: ChatRequest | undefined;

  /** Refuses at once while this visitor has no chat (a call would wait for a widget that never comes, or reach another user's). */
  const refusal = (): ImbaChatError | undefined => {
    if (state.status === 'guests-off') return new ImbaChatError('The chat is for logged-in users only: log in to write', 0, 'guests-off');
    if (state.status === 'logged-out') return new ImbaChatError('You logged out: reload the page to chat', 0, 'logged-out');
    if (state.status === 'reload-needed') return new ImbaChatError('Another user logged in: reload the page to chat as them', 0, 'reload-needed');
    return undefined;
  };
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    const refused = refusal();
    return refused ? Promise.reject(refused) : call();
  };

  const run = async (identity: string, request: ChatRequest) => {
    if (identity !== requested) return; // superseded before its turn
    const { jwt } = request;
    try {
      if (!jwt) {
        // A visitor's load() over a user's session would not log the user out of the widget.
        if (typeof loadedFor === 'number') return set({ status: 'logged-out', error: null, reloadForUserId: null });
        if (loadedFor === 'visitor') return set({ status: 'ready', error: null, userId: null });
        set({ status: 'loading', error: null, reloadForUserId: null });
        const loaded = await loader.loadForVisitor(request);
        if (loaded) loadedFor = 'visitor';
        return set({ status: loaded ? 'ready' : 'guests-off', userId: null });
      }
      set({ status: 'loading', error: null, reloadForUserId: null });
      const grant = await loader.fetchChatToken({ strapiUrl: request.strapiUrl, apiPrefix: request.apiPrefix, jwt });
      // The widget cannot be unloaded: another user's load() over it would mix the two users' chats.
      if (typeof loadedFor === 'number' && grant.user_id !== loadedFor) {
        return set({ status: 'reload-needed', reloadForUserId: grant.user_id });
      }
      // A new JWT of the same user (a refresh, a second login) keeps the widget as it is.
      if (grant.user_id !== loadedFor) {
        await loader.loadForUser(grant, request);
        loadedFor = grant.user_id;
      }
      set({ status: 'ready', userId: grant.user_id });
    } catch (error) {
      if (identity === requested) requested = undefined;
      set({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    }
  };

  return {
    /** Loads the widget for this Strapi URL, API prefix and JWT (none: a visitor), unless it was asked for already. */
    start(request: ChatRequest) {
      const identity = `${request.strapiUrl}\n${request.apiPrefix ?? ''}\n${request.jwt ?? ''}`;
      current = request;
      if (identity === requested) return;
      requested = identity;
      queue = queue.then(() => run(identity, request));
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => state,
    getServerSnapshot: () => IDLE,
    /**
     * Runs a widget call (openChat, joinRoom, embedChat, …) unless this visitor has no chat: then it
     * refuses at once with `guests-off`, `logged-out` or `reload-needed`.
     */
    guard,
    /**
     * Opens a dialog with this user, waiting for the widget; for a logged-in user with a dialog token
     * the site signs (the session's Strapi URL, API prefix and JWT); refuses at once when this visitor has no chat.
     */
    openDialog(userId: number | string, { timeoutMs }: { timeoutMs?: number } = {}): Promise<unknown> {
      return guard(() => loader.openDialog(userId, { timeoutMs, strapiUrl: current?.strapiUrl, apiPrefix: current?.apiPrefix, jwt: current?.jwt }));
    },
  };
};

export type ChatSession = ReturnType<typeof createChatSession>;
