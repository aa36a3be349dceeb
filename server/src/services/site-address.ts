import type { Core } from '@strapi/strapi';
import type { Endpoints, PublicUrlCheck, Settings } from '../../../contract';
import { absoluteServerUrl, baseUrlFor, endpointsAt } from '../utils/public-url';
import { checkPublicUrl } from '../utils/public-url-check';

/** Strapi's `server.url` as configured ('' when unset). */
const serverUrl = (strapi: Core.Strapi) => String(strapi.config.get('server.url', '') ?? '');

/**
 * The site's public address: Strapi's `server.url` when it is absolute, otherwise the
 * request's origin (which honours `server.proxy` behind a proxy) plus a relative `server.url`.
 */
export const publicBaseUrl = (strapi: Core.Strapi, origin: string): string => baseUrlFor(serverUrl(strapi), origin);

/** Whether the chat server can reach the address the endpoints are built from (`publicBaseUrl`). */
export const publicUrlCheck = (strapi: Core.Strapi, origin: string): PublicUrlCheck =>
  checkPublicUrl(publicBaseUrl(strapi, origin), absoluteServerUrl(serverUrl(strapi)) !== null);

/** The site's address for links in emails, from configuration only: `siteUrl`, else an absolute `server.url`; otherwise none (''). */
export const emailSiteUrl = (strapi: Core.Strapi, settings: Pick<Settings, 'siteUrl'>): string =>
  settings.siteUrl ? settings.siteUrl.replace(/\/+$/, '') : absoluteServerUrl(serverUrl(strapi)) ?? '';

/**
 * An address at which this server reaches itself, never taken from the request: the Test API
 * sends the stored credentials there, so a forged Host header must not redirect them.
 */
export const selfBaseUrl = (strapi: Core.Strapi): string => {
  const configured = serverUrl(strapi);
  const absolute = absoluteServerUrl(configured);
  if (absolute) return absolute;
  const address = strapi.server.httpServer.address();
  const port = address && typeof address === 'object' ? address.port : strapi.config.get('server.port');
  const host = address && typeof address === 'object' && !['0.0.0.0', '::'].includes(address.address) ? address.address : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${configured.startsWith('/') ? configured.replace(/\/+$/, '') : ''}`;
};

/** Where Strapi serves content-API routes (`api.rest.prefix`, `/api` by default). */
export const apiPrefix = (strapi: Core.Strapi): string =>
  String(strapi.config.get('api.rest.prefix', '/api') ?? '/api').replace(/\/+$/, '');

/** The plugin's URLs as the outside world reaches them: pasted into the ImbaChat cabinet and the front end. */
export const pluginEndpoints = (strapi: Core.Strapi, baseUrl: string): Endpoints => endpointsAt(baseUrl, apiPrefix(strapi));
