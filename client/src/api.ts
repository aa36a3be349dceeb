/**
 * The plugin's front-end routes, `<apiPrefix>/imbachat/token` and `<apiPrefix>/imbachat/widget`, over
 * fetch. `apiPrefix` is the site's `api.rest.prefix` in Strapi's config (`/api` unless changed).
 */
import type { ChatToken, GuestsOff, WidgetInfo } from '../../contract';
import { ImbaChatError } from './errors';

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

const getJson = async <T>({ strapiUrl, apiPrefix }: StrapiAddress, route: string, jwt?: string): Promise<T> => {
  const url = `${strapiUrl.replace(/\/+$/, '')}${apiPrefixPath(apiPrefix)}/imbachat/${route}`;
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
export const fetchChatToken = ({ jwt, ...site }: StrapiAddress & { jwt: string }) => getJson<ChatToken>(site, 'token', jwt);

/** The widget's id, script and the site's options, for a visitor; or `{guests: false}` while the site keeps the chat for users. */
export const fetchWidget = (site: StrapiAddress) => getJson<WidgetInfo | GuestsOff>(site, 'widget');

/** Whether the widget route said that visitors get no chat (guest mode off). */
export const isGuestsOff = (answer: WidgetInfo | GuestsOff): answer is GuestsOff => (answer as GuestsOff).guests === false;
