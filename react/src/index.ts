/**
 * strapi-plugin-imbachat/react: `<ImbaChat>` loads the widget, `useImbaChat()` reads its state and
 * makes the widget's calls, `<ImbaChatRoom>` embeds a public chat. React is the site's own (a peer);
 * on the server they do nothing (`<ImbaChatRoom>` renders its element).
 */
import { createElement, Fragment, useEffect, useMemo, useRef, useSyncExternalStore, type CSSProperties, type ReactElement, type ReactNode } from 'react';
import { isNotLoaded, loadImbaChat } from '../../client/src';
import { fetchChatToken } from '../../client/src/api';
import { userLoadOptions, type LoadOptions } from '../../client/src/options';
import {
  closeChat,
  embedChat,
  joinRoom,
  onWidget,
  openChat,
  openDialog,
  pageLanguage,
  startWidget,
  type EmbedOptions,
  type Room,
  type WaitOptions,
  type WidgetListener,
} from '../../client/src/widget';
import { createChatSession, type ChatState } from './session';

export { ImbaChatError, type ImbaChatErrorCode } from '../../client/src/errors';
export type { LoadOptions } from '../../client/src/options';
export type { EmbedOptions, Room, WaitOptions, WidgetListener } from '../../client/src/widget';
export type { ChatState, ChatStatus } from './session';

// Module state, not context: the widget is one per page, whichever component loaded it.
const session = createChatSession({
  loadForVisitor: async ({ strapiUrl, apiPrefix, options, timeoutMs }) =>
    !isNotLoaded(await loadImbaChat({ strapiUrl, apiPrefix, options, timeoutMs })),
  fetchChatToken,
  loadForUser: (grant, { options, timeoutMs }) => startWidget(grant, userLoadOptions(grant, options, pageLanguage), timeoutMs),
  openDialog,
});

export interface ImbaChatProps {
  /** The Strapi site, e.g. `https://cms.example.com`. */
  strapiUrl: string;
  /** Strapi's `api.rest.prefix` (config/api), e.g. `/v2`; `/api` when left out. */
  apiPrefix?: string | null;
  /** The logged-in user's users-permissions JWT; none for a visitor. */
  jwt?: string | null;
  /**
   * `ImbaChat.load` options over the site's own (Settings → ImbaChat); `language: 'auto'` is the
   * page's. Read when the widget loads for a user: a later change waits for the next user or page load.
   */
  options?: LoadOptions;
  /** How long to wait for the widget script, in ms (15 000). */
  timeoutMs?: number;
  children?: ReactNode;
}

/**
 * Loads the ImbaChat widget once per page and user, however often it renders or remounts; renders
 * its children (or nothing). A `jwt` after the guest widget loads it for that user; the widget
 * cannot be unloaded, so a `jwt` going away leaves it as it is (`logged-out`) and a `jwt` of another
 * user loads nothing (`reload-needed`): reload the page on log-out.
 */
export function ImbaChat({ strapiUrl, apiPrefix, jwt, options, timeoutMs, children }: ImbaChatProps): ReactElement {
  useEffect(() => {
    session.start({ strapiUrl, apiPrefix, jwt, options, timeoutMs });
    // The widget takes its options when it loads: they alone do not load it again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [strapiUrl, apiPrefix, jwt]);
  return createElement(Fragment, null, children);
}

export interface ImbaChatApi extends ChatState {
  /**
   * "Write message" to this site user, waiting for the widget if it is not ready yet; for a logged-in
   * user (a `jwt` on `<ImbaChat>`) with a dialog token from the site, whose refusal is an ImbaChatError
   * (`dialog-refused`, `unknown-user`, `self-dialog`, `rate-limited`, `unauthorized`).
   */
  openDialog(userId: number | string, options?: WaitOptions): Promise<unknown>;
  /** Opens the widget's chat window. */
  openChat(options?: WaitOptions): Promise<unknown>;
  /** Closes the widget's chat window. */
  closeChat(options?: WaitOptions): Promise<unknown>;
  /** Joins (or creates) the group chat `pipe`. */
  joinRoom(room: Room): Promise<unknown>;
  /** A public chat inside this element (`<ImbaChatRoom>` does it for you). */
  embedChat(element: Element, options: EmbedOptions): Promise<unknown>;
  /** Listens to a widget event; answers the unsubscribe. */
  onWidget(event: string, fn: WidgetListener, options?: WaitOptions): Promise<() => void>;
}

// The calls, refusing at once where this visitor has no chat (`guests-off`, `logged-out`, `reload-needed`).
const calls = {
  openDialog: session.openDialog,
  openChat: (options?: WaitOptions) => session.guard(() => openChat(options)),
  closeChat: (options?: WaitOptions) => session.guard(() => closeChat(options)),
  joinRoom: (room: Room) => session.guard(() => joinRoom(room)),
  embedChat: (element: Element, options: EmbedOptions) => session.guard(() => embedChat(element, options)),
  onWidget: (event: string, fn: WidgetListener, options?: WaitOptions) => session.guard(() => onWidget(event, fn, options)),
};

/**
 * The widget's state (`status`, `error`, `userId`, `reloadForUserId`) and its calls (`openDialog`,
 * `openChat`, `closeChat`, `joinRoom`, `embedChat`, `onWidget`), anywhere in the page, with or
 * without `<ImbaChat>` above. `reload-needed` says a page load is needed.
 */
export const useImbaChat = (): ImbaChatApi => {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getServerSnapshot);
  return useMemo(() => ({ ...state, ...calls }), [state]);
};

export interface ImbaChatRoomProps {
  /** The public chat's key and the element's id: a letter, then letters, digits, `-` or `_`. */
  slug: string;
  /** The chat's title; the slug when left out. */
  name?: string;
  className?: string;
  style?: CSSProperties;
  /** The embed failed (a bad slug, no widget in time, no chat for this visitor). */
  onError?: (error: Error) => void;
  timeoutMs?: number;
}

/**
 * A public chat inside the page: a `<div id={slug} data-imbachat_chat_ph="1">` where the widget draws
 * it once loaded (`imbaApi.placeHolder(slug, name)`), once per mount, StrictMode included. On the
 * server it renders the element alone.
 */
export function ImbaChatRoom({ slug, name, className, style, onError, timeoutMs }: ImbaChatRoomProps): ReactElement {
  const element = useRef<HTMLDivElement>(null);
  const report = useRef(onError);
  report.current = onError;
  useEffect(() => {
    let mounted = true;
    // embedChat answers the same promise for the same element, slug and name: StrictMode's second run adds no placeHolder.
    calls.embedChat(element.current as HTMLDivElement, { slug, name, timeoutMs }).catch((error: Error) => mounted && report.current?.(error));
    return () => {
      mounted = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, name]);
  return createElement('div', { ref: element, id: slug, 'data-imbachat_chat_ph': '1', className, style });
}
