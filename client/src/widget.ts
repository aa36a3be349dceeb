/** The widget in the page: its script, added once, `ImbaChat.load`, and `imbaApi.openDialog`. */
import type { WidgetInfo } from '../../contract';
import { ImbaChatError } from './errors';
import type { LoadOptions } from './options';
import { scriptUrlAllowed } from './script-url';

interface ImbaChatGlobal {
  load(options?: LoadOptions): unknown;
}
interface ImbaApi {
  openDialog(userId: number | string): unknown;
}
type WidgetWindow = Window & { ImbaChat?: ImbaChatGlobal; imbaApi?: ImbaApi };

export const DEFAULT_TIMEOUT_MS = 15_000;

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

/**
 * Adds the script the plugin named and calls `ImbaChat.load` with these options, or with no
 * arguments when there are none (a visitor on a site without widget options, as the reference does).
 */
export const startWidget = async (widget: WidgetInfo, options: LoadOptions, timeoutMs = DEFAULT_TIMEOUT_MS) => {
  const imbaChat = await loadScript(widget.script_url, timeoutMs);
  return Object.keys(options).length ? imbaChat.load(options) : imbaChat.load();
};

/** The page's language, for `language: 'auto'`: the site's `<html lang>`, else the browser's. */
export const pageLanguage = () => document.documentElement.lang || navigator.language;

/** Opens a dialog with this user ("Write message"), waiting for the widget if it is not ready. */
export const openDialog = async (userId: number | string, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) => {
  const api = await waitFor(() => widgetWindow().imbaApi, timeoutMs, `The ImbaChat widget was not ready within ${timeoutMs / 1000} s`);
  return api.openDialog(userId);
};
