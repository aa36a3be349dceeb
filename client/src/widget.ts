/**
 * The widget in the page: its script, added once, `ImbaChat.load`, and the calls of `window.imbaApi`
 * (as ImbaChat's WordPress plugin makes them). Every call waits for the widget.
 */
import type { WidgetInfo } from '../../contract';
import { fetchDialogToken, type StrapiAddress } from './api';
import { ImbaChatError } from './errors';
import type { LoadOptions } from './options';
import { scriptUrlAllowed } from './script-url';

interface ImbaChatGlobal {
  load(options?: LoadOptions): unknown;
}

/** A widget event's listener; the widget passes what it passes. */
export type WidgetListener = (...args: unknown[]) => void;

/** The part of ImbaChat's `window.imbaApi` the client calls. */
export interface ImbaApi {
  openDialog(userId: number | string, status?: number, token?: string): unknown;
  openChat(): unknown;
  closeChat(): unknown;
  addToRoom(room: { pipe: string; title: string; is_public: 0 | 1; type: unknown }): unknown;
  placeHolder(slug: string, name: string): unknown;
  on(event: string, fn: WidgetListener): unknown;
  off?(event: string, fn: WidgetListener): unknown;
  room_type: { conference: unknown };
}
type WidgetWindow = Window & { ImbaChat?: ImbaChatGlobal; imbaApi?: ImbaApi };

export const DEFAULT_TIMEOUT_MS = 15_000;

/** How long a call waits for the widget, in ms (15 000); then it rejects with `code: 'widget-timeout'`. */
export interface WaitOptions {
  timeoutMs?: number;
}

const waitFor = <T>(get: () => T | undefined, timeoutMs: number, message: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      try {
        const value = get();
        if (value) resolve(value);
        else if (Date.now() >= deadline) reject(new ImbaChatError(message, 0, 'widget-timeout'));
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

// The widget has loaded: a `load` of ours answered, or the widget said `imbaChat.loaded`.
let markLoaded: () => void;
const widgetLoaded = new Promise<void>((resolve) => (markLoaded = resolve));
let listening = false;

/**
 * Adds the script the plugin named and calls `ImbaChat.load` with these options, or with no
 * arguments when there are none (a visitor on a site without widget options, as the reference does).
 */
export const startWidget = async (widget: WidgetInfo, options: LoadOptions, timeoutMs = DEFAULT_TIMEOUT_MS) => {
  const imbaChat = await loadScript(widget.script_url, timeoutMs);
  const answer = await (Object.keys(options).length ? imbaChat.load(options) : imbaChat.load());
  markLoaded();
  return answer;
};

/** The page's language, for `language: 'auto'`: the site's `<html lang>`, else the browser's. */
export const pageLanguage = () => document.documentElement.lang || navigator.language;

const notReady = (timeoutMs: number) => `The ImbaChat widget was not ready within ${timeoutMs / 1000} s`;

/** `window.imbaApi` once the widget script has run. */
const widgetApi = (timeoutMs = DEFAULT_TIMEOUT_MS) => waitFor(() => widgetWindow().imbaApi, timeoutMs, notReady(timeoutMs));

/** `window.imbaApi` once the widget has loaded (what `placeHolder` needs). */
const loadedApi = async (timeoutMs = DEFAULT_TIMEOUT_MS) => {
  const deadline = Date.now() + timeoutMs;
  const api = await widgetApi(timeoutMs);
  if (!listening) {
    listening = true;
    api.on('imbaChat.loaded', () => markLoaded());
  }
  return new Promise<ImbaApi>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ImbaChatError(notReady(timeoutMs), 0, 'widget-timeout')), deadline - Date.now());
    widgetLoaded.then(() => {
      clearTimeout(timer);
      resolve(api);
    });
  });
};

/** Opens the widget's chat window (`imbaApi.openChat()`). */
export const openChat = async ({ timeoutMs }: WaitOptions = {}) => (await widgetApi(timeoutMs)).openChat();

/** Closes the widget's chat window (`imbaApi.closeChat()`). */
export const closeChat = async ({ timeoutMs }: WaitOptions = {}) => (await widgetApi(timeoutMs)).closeChat();

export interface Room extends WaitOptions {
  /** The room's key: one room per group, event or article, e.g. `event-42`. */
  pipe: string;
  title: string;
  /** Anyone may find and join it (`is_public: 1`); otherwise 0. */
  isPublic?: boolean;
}

/** Joins (or creates) a group chat: `imbaApi.addToRoom({pipe, title, is_public, type: imbaApi.room_type.conference})`. */
export const joinRoom = async ({ pipe, title, isPublic, timeoutMs }: Room) => {
  const api = await widgetApi(timeoutMs);
  return api.addToRoom({ pipe, title, is_public: isPublic ? 1 : 0, type: api.room_type.conference });
};

export interface EmbedOptions extends WaitOptions {
  /** The public chat's key, and the element's id: a letter, then letters, digits, `-` or `_` (at most 64). */
  slug: string;
  /** The chat's title; the slug when left out. */
  name?: string;
}

const SLUG = /^[A-Za-z][\w-]{0,63}$/;
const embedded = new WeakMap<Element, { key: string; done: Promise<unknown> }>();

/**
 * A public chat inside the page: the element gets `id=slug` and `data-imbachat_chat_ph="1"`, and once
 * the widget has loaded, `imbaApi.placeHolder(slug, name)`. Asking again for the same element, slug
 * and name answers the first call's promise (one placeHolder); an element gone from the page by then gets none.
 */
export const embedChat = (element: Element, { slug, name = slug, timeoutMs }: EmbedOptions): Promise<unknown> => {
  if (typeof slug !== 'string' || !SLUG.test(slug)) {
    return Promise.reject(new ImbaChatError(`Bad chat slug ${JSON.stringify(slug)}: a letter, then letters, digits, - or _ (at most 64)`, 0, 'bad-slug'));
  }
  const key = `${slug}\n${name}`;
  const before = embedded.get(element);
  if (before?.key === key) return before.done;
  element.id = slug;
  element.setAttribute('data-imbachat_chat_ph', '1');
  const done = loadedApi(timeoutMs).then((api) => (element.isConnected ? api.placeHolder(slug, name) : undefined));
  embedded.set(element, { key, done });
  done.catch(() => embedded.get(element)?.done === done && embedded.delete(element));
  return done;
};

/**
 * Listens to a widget event (`imbaApi.on(event, fn)`, e.g. `imbaChat.loaded`); answers the unsubscribe:
 * after it, `fn` is never called again (`imbaApi.off` too, where the widget has it).
 */
export const onWidget = async (event: string, fn: WidgetListener, { timeoutMs }: WaitOptions = {}): Promise<() => void> => {
  const api = await widgetApi(timeoutMs);
  let active = true;
  const listener: WidgetListener = (...args) => {
    if (active) fn(...args);
  };
  api.on(event, listener);
  return () => {
    active = false;
    api.off?.(event, listener);
  };
};

export interface OpenDialogOptions extends WaitOptions, Partial<StrapiAddress> {
  /** The logged-in user's users-permissions JWT: the site signs a dialog token first. None: a visitor's plain `openDialog`. */
  jwt?: string | null;
}

const USER_ID = /^[1-9]\d{0,14}$/;

/**
 * "Write message" to this user, waiting for the widget if it is not ready. With the logged-in user's
 * `jwt`, first `POST <apiPrefix>/imbachat/dialog` for a dialog token the site signs, then
 * `imbaApi.openDialog(userId, 0, token)`; the site's refusal is an ImbaChatError with its code
 * (`dialog-refused`, `unknown-user`, `self-dialog`, `rate-limited`, `unauthorized`). Without a
 * `jwt`, `imbaApi.openDialog(userId)`.
 */
export const openDialog = async (userId: number | string, { strapiUrl = '', apiPrefix, jwt, timeoutMs }: OpenDialogOptions = {}) => {
  if (!jwt) return (await widgetApi(timeoutMs)).openDialog(userId);
  if (!USER_ID.test(String(userId))) throw new ImbaChatError(`Not a user id: ${JSON.stringify(userId)}`, 0, 'bad-user-id');
  const [{ token }, api] = await Promise.all([fetchDialogToken({ strapiUrl, apiPrefix, jwt, userId }), widgetApi(timeoutMs)]);
  return api.openDialog(userId, 0, token);
};
