/**
 * The plugin's front-end routes, `<apiPrefix>/imbachat/token`, `/widget` and `/dialog`, over fetch.
 * `apiPrefix` is the site's `api.rest.prefix` in Strapi's config (`/api` unless changed).
 */
import type { ChatToken, DialogToken, GuestsOff, WidgetInfo } from '../../contract';
import { FRONT_END_PATHS, PLUGIN_PATH, type FrontEndRoute } from '../../contract/routes';
import { ImbaChatError, type ImbaChatErrorCode } from './errors';

export const DEFAULT_API_PREFIX = '/api';

/** Where the plugin's routes are: how Strapi is reached, and its `api.rest.prefix`. */
export interface StrapiAddress {
  /** The Strapi site, e.g. `https://cms.example.com`. */
  strapiUrl: string;
  /** Strapi's `api.rest.prefix` (config/api), e.g. `/v2`; `/api` when left out. */
  apiPrefix?: string | null;
}

// One or more path segments of plain URL characters: no empty segment (`//`), query, fragment or space.
const PATH = /^(\/[\w.~%@!$&'()*+,;=:-]+)*$/;
const DOT_SEGMENT = /\/\.\.?(\/|$)/;

/**
 * The prefix as a path without its trailing slash (`/v2/` is `/v2`, `/` is none); anything that is
 * not a path on the Strapi site (`v2`, `//host`, `https://…`, `/a?b`, `/../x`) is an ImbaChatError
 * with code `bad-api-prefix`, so no request leaves for an address nobody meant.
 */
export const apiPrefixPath = (apiPrefix: string | null | undefined): string => {
  const value: unknown = apiPrefix ?? DEFAULT_API_PREFIX;
  const path = typeof value === 'string' ? value.replace(/\/+$/, '') : '';
  if (typeof value !== 'string' || value[0] !== '/' || !PATH.test(path) || DOT_SEGMENT.test(path)) {
    throw new ImbaChatError(`apiPrefix must be a path such as "/api" or "/v2" (Strapi's api.rest.prefix), not ${JSON.stringify(value)}`, 0, 'bad-api-prefix');
  }
  return path;
};

/** `POST /dialog`'s refusals by HTTP status. */
const DIALOG_CODES: Record<number, ImbaChatErrorCode> = { 400: 'self-dialog', 401: 'unauthorized', 403: 'dialog-refused', 404: 'unknown-user', 429: 'rate-limited' };

const requestJson = async <T>({ strapiUrl, apiPrefix }: StrapiAddress, route: FrontEndRoute, jwt?: string, body?: unknown, codes: Record<number, ImbaChatErrorCode> = {}): Promise<T> => {
  const url = `${strapiUrl.replace(/\/+$/, '')}${apiPrefixPath(apiPrefix)}${PLUGIN_PATH}${FRONT_END_PATHS[route]}`;
  const headers: Record<string, string> = jwt ? { Authorization: `Bearer ${jwt}` } : {};
  if (body) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' });
  } catch (error) {
    throw new ImbaChatError(`Cannot reach ${url}: ${(error as Error).message}`, 0);
  }
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (answer as { error?: { message?: string } } | null)?.error?.message;
    throw new ImbaChatError(message ?? `${url} answered HTTP ${response.status}`, response.status, codes[response.status]);
  }
  return answer as T;
};

/** A chat token for the user whose users-permissions JWT this is, with the widget's script and the site's options. */
export const fetchChatToken = ({ jwt, ...site }: StrapiAddress & { jwt: string }) => requestJson<ChatToken>(site, 'token', jwt);

/** The widget's id, script and the site's options, for a visitor; or `{guests: false}` while the site keeps the chat for users. */
export const fetchWidget = (site: StrapiAddress) => requestJson<WidgetInfo | GuestsOff>(site, 'widget');

/** Whether the widget route said that visitors get no chat (guest mode off). */
export const isGuestsOff = (answer: WidgetInfo | GuestsOff): answer is GuestsOff => (answer as GuestsOff).guests === false;

/**
 * A dialog token for writing to `userId`, for the user whose JWT this is. A refusal is an
 * ImbaChatError with the HTTP status and a code: 403 `dialog-refused`, 404 `unknown-user` (also a
 * blocked one), 400 `self-dialog`, 429 `rate-limited`, 401 `unauthorized`.
 */
export const fetchDialogToken = ({ jwt, userId, ...site }: StrapiAddress & { jwt: string; userId: number | string }) =>
  requestJson<DialogToken>(site, 'dialog', jwt, { user_id: userId }, DIALOG_CODES);
