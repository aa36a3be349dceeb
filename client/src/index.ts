/**
 * strapi-plugin-imbachat/client: the ImbaChat widget for a headless front end in three lines, and
 * its calls: dialogs, group chats, chats inside the page, its window and its events.
 * No dependencies and nothing of Node, Strapi or React: runs in any current browser.
 */
import { fetchChatToken, fetchDialogToken, fetchWidget, isGuestsOff, type StrapiAddress } from './api';
import { mergeLoadOptions, userLoadOptions, type LoadOptions } from './options';
import { DEFAULT_TIMEOUT_MS, pageLanguage, startWidget } from './widget';

export { ImbaChatError, type ImbaChatErrorCode } from './errors';
export { scriptUrlAllowed } from './script-url';
export { fetchChatToken, fetchDialogToken, fetchWidget, type LoadOptions, type StrapiAddress };
export {
  closeChat,
  embedChat,
  joinRoom,
  onWidget,
  openChat,
  openDialog,
  type EmbedOptions,
  type ImbaApi,
  type OpenDialogOptions,
  type Room,
  type WaitOptions,
  type WidgetListener,
} from './widget';

import type { ChatToken, DialogStatus, DialogToken, GuestsOff, WidgetInfo, WidgetOptions } from '../../contract';

export type { ChatToken, DialogStatus, DialogToken, GuestsOff, WidgetInfo, WidgetOptions };

/** What loadImbaChat resolves with when it added no widget: a visitor, on a site whose guest mode is off. */
export interface NotLoaded {
  loaded: false;
  reason: 'guests-off';
}

/** Whether loadImbaChat's answer says it loaded no widget (anything else is what `ImbaChat.load` answered). */
export const isNotLoaded = (result: unknown): result is NotLoaded =>
  typeof result === 'object' && result !== null && (result as NotLoaded).loaded === false;

export interface LoadImbaChatOptions extends StrapiAddress {
  /** The logged-in user's users-permissions JWT; without it the widget loads for a visitor. */
  jwt?: string | null;
  /** `ImbaChat.load` options; they win over the site's (Settings → ImbaChat). `language: 'auto'`: the page's. */
  options?: LoadOptions;
  timeoutMs?: number;
}

/**
 * Loads the widget: for a logged-in user `ImbaChat.load({...siteOptions, ...options, user_id, token})`,
 * for a visitor `ImbaChat.load({...siteOptions, ...options})` (`load()` when both are empty). Resolves
 * with what `load` answers, or, for a visitor while the site's guest mode is off, with
 * `{loaded: false, reason: 'guests-off'}` and no script added.
 */
export const loadImbaChat = async ({ strapiUrl, apiPrefix, jwt, options, timeoutMs = DEFAULT_TIMEOUT_MS }: LoadImbaChatOptions): Promise<NotLoaded | unknown> => {
  if (!jwt) {
    const widget = await fetchWidget({ strapiUrl, apiPrefix });
    if (isGuestsOff(widget)) return { loaded: false, reason: 'guests-off' } satisfies NotLoaded;
    return startWidget(widget, mergeLoadOptions(widget.options, options, pageLanguage), timeoutMs);
  }
  const grant = await fetchChatToken({ strapiUrl, apiPrefix, jwt });
  return startWidget(grant, userLoadOptions(grant, options, pageLanguage), timeoutMs);
};
