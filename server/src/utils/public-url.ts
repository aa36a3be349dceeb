import { CHAT_SERVER_PATHS, FRONT_END_PATHS, PLUGIN_PATH, type Endpoints } from '../../../contract';

/** Strapi's `server.url` without its trailing slash when it is an absolute http(s) URL; otherwise null. */
export const absoluteServerUrl = (serverUrl: string): string | null => {
  const url = serverUrl.replace(/\/+$/, '');
  return /^https?:\/\//i.test(url) ? url : null;
};

/** `server.url` when it is absolute, otherwise the request's origin plus a relative `server.url`. */
export const baseUrlFor = (serverUrl: string, origin: string): string =>
  absoluteServerUrl(serverUrl) ?? origin + (serverUrl.startsWith('/') ? serverUrl.replace(/\/+$/, '') : '');

/** A media URL as the chat server needs it: upload providers give absolute URLs, the local one a path. */
export const absoluteUrl = (url: string, baseUrl: string): string => {
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith('//')) return `${new URL(baseUrl).protocol}${url}`;
  return baseUrl + (url.startsWith('/') ? url : `/${url}`);
};

/** The plugin's URLs under a site's base URL and `api.rest.prefix`, from the contract's paths. */
export const endpointsAt = (baseUrl: string, apiPrefix: string): Endpoints => {
  const base = `${baseUrl}${apiPrefix}${PLUGIN_PATH}`;
  return {
    usersInfo: base + CHAT_SERVER_PATHS.usersInfo.path,
    search: base + CHAT_SERVER_PATHS.search.path,
    authUsers: base + CHAT_SERVER_PATHS.authUsers.path,
    version: base + CHAT_SERVER_PATHS.version.path,
    token: base + FRONT_END_PATHS.token,
    widget: base + FRONT_END_PATHS.widget,
    notifications: base + CHAT_SERVER_PATHS.notifications.path,
  };
};
