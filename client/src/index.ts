/**
 * strapi-plugin-imbachat/client: the ImbaChat widget for a headless front end in three lines.
 * No dependencies and nothing of Node, Strapi or React: runs in any current browser.
 */
import { ImbaChatError } from './errors';
import { scriptUrlAllowed } from './script-url';

export { ImbaChatError, type ImbaChatErrorCode } from './errors';
export { scriptUrlAllowed };

import type { ChatToken, WidgetInfo } from '../../contract';

export type { ChatToken, WidgetInfo };

/** Options ImbaChat's `load` accepts besides the user (language, theme, position, …). */
export type LoadOptions = Record<string, unknown>;

interface ImbaChatGlobal {
  load(options?: LoadOptions): unknown;
}
interface ImbaApi {
  openDialog(userId: number | string): unknown;
}
type WidgetWindow = Window & { ImbaChat?: ImbaChatGlobal; imbaApi?: ImbaApi };

const DEFAULT_TIMEOUT_MS = 15_000;
const apiUrl = (strapiUrl: string, path: string) => `${strapiUrl.replace(/\/+$/, '')}/api/imbachat/${path}`;

const getJson = async <T>(url: string, jwt?: string): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(url, { headers: jwt ? { Authorization: `Bearer ${jwt}` } : {}, credentials: 'omit' });
  } catch (error) {
    throw new ImbaChatError(`Cannot reach ${url}: ${(error as Error).message}`, 0);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ImbaChatError(body?.error?.message ?? `${url} answered HTTP ${response.status}`, response.status);
  }
  return body as T;
};

/** A chat token for the user whose users-permissions JWT this is. */
export const fetchChatToken = ({ strapiUrl, jwt }: { strapiUrl: string; jwt: string }) =>
  getJson<ChatToken>(apiUrl(strapiUrl, 'token'), jwt);

/** The widget's id and script, for a visitor. */
export const fetchWidget = ({ strapiUrl }: { strapiUrl: string }) => getJson<WidgetInfo>(apiUrl(strapiUrl, 'widget'));

const waitFor = <T>(get: () => T | undefined, timeoutMs: number, message: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      try {
        const value = get();
        if (value) resolve(value);
        else if (Date.now() >= deadline) reject(new ImbaChatError(message, 0));
        else setTimeout(check, 50);
      } catch (error) {
        reject(error);
      }
    };
    check();
  });

const widgetWindow = () => window as WidgetWindow;
const scripts = new Map<string, Promise<ImbaChatGlobal>>();

/**
 * Adds the widget script once per URL and waits for `window.ImbaChat`; a script that fails to load
 * fails at once, and one that is not https (off localhost) is never added.
 */
const loadScript = async (src: string, timeoutMs: number) => {
  if (!scriptUrlAllowed(src, location)) {
    // status 0: no request was made; the code tells this refusal from a network failure.
    throw new ImbaChatError(`The ImbaChat widget script was not loaded from ${src}: it is not an https URL`, 0, 'insecure-script');
  }
  let loaded = scripts.get(src);
  if (!loaded) {
    let failed: ImbaChatError | undefined;
    if (![...document.scripts].some((script) => script.src === src)) {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onerror = () => {
        failed = new ImbaChatError(`The ImbaChat widget script could not be loaded from ${src}`, 0);
      };
      document.head.appendChild(script);
    }
    const message = `The ImbaChat widget did not load from ${src} within ${timeoutMs / 1000} s`;
    loaded = waitFor(() => {
      if (failed) throw failed;
      return widgetWindow().ImbaChat;
    }, timeoutMs, message);
    loaded.catch(() => {
      scripts.delete(src);
      [...document.scripts].find((script) => script.src === src)?.remove();
    });
    scripts.set(src, loaded);
  }
  return loaded;
};

export interface LoadImbaChatOptions {
  strapiUrl: string;
  /** The logged-in user's users-permissions JWT; without it the widget loads for a visitor. */
  jwt?: string;
  options?: LoadOptions;
  timeoutMs?: number;
}

/**
 * Loads the widget: for a logged-in user `ImbaChat.load({user_id, token, ...options})`, for a
 * visitor `ImbaChat.load()`. Resolves with what `load` returns.
 */
export const loadImbaChat = async ({ strapiUrl, jwt, options = {}, timeoutMs = DEFAULT_TIMEOUT_MS }: LoadImbaChatOptions) => {
  if (!jwt) {
    const widget = await fetchWidget({ strapiUrl });
    return (await loadScript(widget.script_url, timeoutMs)).load();
  }
  const grant = await fetchChatToken({ strapiUrl, jwt });
  const imbaChat = await loadScript(grant.script_url, timeoutMs);
  return imbaChat.load({ user_id: grant.user_id, token: grant.token, ...options });
};

/** Opens a dialog with this user ("Write message"), waiting for the widget if it is not ready. */
export const openDialog = async (userId: number | string, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) => {
  const api = await waitFor(() => widgetWindow().imbaApi, timeoutMs, `The ImbaChat widget was not ready within ${timeoutMs / 1000} s`);
  return api.openDialog(userId);
};
