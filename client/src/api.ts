/** The plugin's front-end routes, `/api/imbachat/token` and `/api/imbachat/widget`, over fetch. */
import type { ChatToken, GuestsOff, WidgetInfo } from '../../contract';
import { ImbaChatError } from './errors';

const apiUrl = (strapiUrl: string, path: string) => `${strapiUrl.replace(/\/+$/, '')}/api/imbachat/${path}`;

const getJson = async <T>(url: string, jwt?: string): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(url, { headers: jwt ? { Authorization: `Bearer ${jwt}` } : {}, credentials: 'omit' });
  } catch (error) {
    throw new ImbaChatError(`Cannot reach ${url}: ${(error as Error).message}`, 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new ImbaChatError(message ?? `${url} answered HTTP ${response.status}`, response.status);
  }
  return body as T;
};

/** A chat token for the user whose users-permissions JWT this is, with the widget's script and the site's options. */
export const fetchChatToken = ({ strapiUrl, jwt }: { strapiUrl: string; jwt: string }) =>
  getJson<ChatToken>(apiUrl(strapiUrl, 'token'), jwt);

/** The widget's id, script and the site's options, for a visitor; or `{guests: false}` while the site keeps the chat for users. */
export const fetchWidget = ({ strapiUrl }: { strapiUrl: string }) => getJson<WidgetInfo | GuestsOff>(apiUrl(strapiUrl, 'widget'));

/** Whether the widget route said that visitors get no chat (guest mode off). */
export const isGuestsOff = (answer: WidgetInfo | GuestsOff): answer is GuestsOff => (answer as GuestsOff).guests === false;
