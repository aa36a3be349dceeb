/**
 * strapi-plugin-imbachat/react: `<ImbaChat>` loads the widget, `useImbaChat()` reads its state and
 * opens dialogs. React is the site's own (a peer); on the server both do nothing.
 */
import { createElement, Fragment, useEffect, useMemo, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { isNotLoaded, loadImbaChat } from '../../client/src';
import { fetchChatToken } from '../../client/src/api';
import { userLoadOptions, type LoadOptions } from '../../client/src/options';
import { openDialog, pageLanguage, startWidget } from '../../client/src/widget';
import { createChatSession, type ChatState } from './session';

export { ImbaChatError, type ImbaChatErrorCode } from '../../client/src/errors';
export type { LoadOptions } from '../../client/src/options';
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
  /** Opens a dialog with this site user ("Write message"), waiting for the widget if it is not ready yet. */
  openDialog(userId: number | string, options?: { timeoutMs?: number }): Promise<unknown>;
}

/**
 * The widget's state (`status`, `error`, `userId`, `reloadForUserId`) and `openDialog`, anywhere in
 * the page, with or without `<ImbaChat>` above. `reload-needed` says a page load is needed.
 */
export const useImbaChat = (): ImbaChatApi => {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getServerSnapshot);
  return useMemo(() => ({ ...state, openDialog: session.openDialog }), [state]);
};
