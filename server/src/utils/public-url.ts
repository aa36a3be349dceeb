import type { Core } from '@strapi/strapi';
import type { Endpoints, PublicUrlCheck, Settings } from '../../../contract';
import { checkPublicUrl } from './public-url-check';

/**
 * The site's public address: Strapi's `server.url` when it is absolute, otherwise the
 * request's origin (which honours `server.proxy` behind a proxy) plus a relative `server.url`.
 */
export const publicBaseUrl = (strapi: Core.Strapi, origin: string): string => {
  const serverUrl = String(strapi.config.get('server.url', '') ?? '').replace(/\/+$/, '');
  if (/^https?:\/\//i.test(serverUrl)) return serverUrl;
  return origin + (serverUrl.startsWith('/') ? serverUrl : '');
};

/** Whether the chat server can reach the address the endpoints are built from (`publicBaseUrl`). */
export const publicUrlCheck = (strapi: Core.Strapi, origin: string): PublicUrlCheck => {
  const serverUrl = String(strapi.config.get('server.url', '') ?? '');
  return checkPublicUrl(publicBaseUrl(strapi, origin), /^https?:\/\//i.test(serverUrl));
};

/** The site's address for links in emails, from configuration only: `siteUrl`, else an absolute `server.url`; otherwise none (''). */
export const emailSiteUrl = (strapi: Core.Strapi, settings: Pick<Settings, 'siteUrl'>): string => {
  if (settings.siteUrl) return settings.siteUrl.replace(/\/+$/, '');
  const serverUrl = String(strapi.config.get('server.url', '') ?? '').replace(/\/+$/, '');
  return /^https?:\/\//i.test(serverUrl) ? serverUrl : '';
};

/**
 * An address at which this server reaches itself, never taken from the request: the Test API
 * sends the stored credentials there, so a forged Host header must not redirect them.
 */
export const selfBaseUrl = (strapi: Core.Strapi): string => {
  const serverUrl = String(strapi.config.get('server.url', '') ?? '').replace(/\/+$/, '');
  if (/^https?:\/\//i.test(serverUrl)) return serverUrl;
  const address = strapi.server.httpServer.address();
  const port = address && typeof address === 'object' ? address.port : strapi.config.get('server.port');
  const host = address && typeof address === 'object' && !['0.0.0.0', '::'].includes(address.address) ? address.address : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${serverUrl.startsWith('/') ? serverUrl : ''}`;
};

/** Where Strapi serves content-API routes (`api.rest.prefix`, `/api` by default). */
export const apiPrefix = (strapi: Core.Strapi): string =>
  String(strapi.config.get('api.rest.prefix', '/api') ?? '/api').replace(/\/+$/, '');

/** A media URL as the chat server needs it: upload providers give absolute URLs, the local one a path. */
export const absoluteUrl = (url: string, baseUrl: string): string => {
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith('//')) return `${new URL(baseUrl).protocol}${url}`;
  return baseUrl + (url.startsWith('/') ? url : `/${url}`);
};

/** The plugin's URLs as the outside world reaches them: pasted into the ImbaChat cabinet and the front end. */
export const pluginEndpoints = (strapi: Core.Strapi, baseUrl: string): Endpoints => {
  const base = `${baseUrl}${apiPrefix(strapi)}/imbachat`;
  return {
    usersInfo: `${base}/v1/users`,
    search: `${base}/v1/search`,
    authUsers: `${base}/v1/auth_users`,
    version: `${base}/v1`,
    token: `${base}/token`,
    widget: `${base}/widget`,
    notifications: `${base}/v1/notifications`,
  };
};
