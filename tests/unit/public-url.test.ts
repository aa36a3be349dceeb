import type { Core } from '@strapi/strapi';
import { absoluteUrl } from '../../server/src/utils/public-url';
import { apiPrefix, pluginEndpoints, publicBaseUrl, selfBaseUrl } from '../../server/src/services/site-address';

type Address = { address: string; family: string; port: number } | string | null;

/** Just what public-url reads of Strapi: config.get and the HTTP server's address. */
const fakeStrapi = (config: Record<string, unknown> = {}, address: Address = null) =>
  ({
    config: { get: (path: string, fallback?: unknown) => (path in config ? config[path] : fallback) },
    server: { httpServer: { address: () => address } },
  }) as unknown as Core.Strapi;

const ORIGIN = 'http://127.0.0.1:4567';

describe('publicBaseUrl', () => {
  it.each([
    ['an absolute server.url, trailing slashes dropped', 'https://cms.example.com/', 'https://cms.example.com'],
    ['an absolute server.url with a path', 'https://example.com/cms//', 'https://example.com/cms'],
    ['an absolute http server.url, any case', 'HTTP://cms.example.com', 'HTTP://cms.example.com'],
  ])('takes %s over the request origin', (_, serverUrl, expected) => {
    expect(publicBaseUrl(fakeStrapi({ 'server.url': serverUrl }), ORIGIN)).toBe(expected);
  });

  it('adds a relative server.url to the request origin', () => {
    expect(publicBaseUrl(fakeStrapi({ 'server.url': '/cms/' }), ORIGIN)).toBe(`${ORIGIN}/cms`);
  });

  it.each([
    ['no server.url', {}],
    ['an empty server.url', { 'server.url': '' }],
    ['a null server.url', { 'server.url': null }],
    ['a server.url that is neither absolute nor rooted', { 'server.url': 'cms.example.com' }],
  ])('answers the request origin with %s', (_, config) => {
    expect(publicBaseUrl(fakeStrapi(config), ORIGIN)).toBe(ORIGIN);
  });
});

describe('selfBaseUrl', () => {
  it('takes an absolute server.url', () => {
    expect(selfBaseUrl(fakeStrapi({ 'server.url': 'https://cms.example.com/' }, { address: '10.0.0.5', family: 'IPv4', port: 1337 }))).toBe(
      'https://cms.example.com'
    );
  });

  it.each([
    ['the address it listens on', { address: '10.0.0.5', family: 'IPv4', port: 1337 }, 'http://10.0.0.5:1337'],
    ['loopback when it listens on every IPv4 address', { address: '0.0.0.0', family: 'IPv4', port: 1337 }, 'http://127.0.0.1:1337'],
    ['loopback when it listens on every IPv6 address', { address: '::', family: 'IPv6', port: 8080 }, 'http://127.0.0.1:8080'],
    ['an IPv6 address in brackets', { address: '::1', family: 'IPv6', port: 8080 }, 'http://[::1]:8080'],
  ])('uses %s', (_, address, expected) => {
    expect(selfBaseUrl(fakeStrapi({}, address))).toBe(expected);
  });

  it('adds a relative server.url to its own address', () => {
    expect(selfBaseUrl(fakeStrapi({ 'server.url': '/cms' }, { address: '127.0.0.1', family: 'IPv4', port: 1337 }))).toBe('http://127.0.0.1:1337/cms');
  });

  it('falls back to server.port on loopback before the server listens', () => {
    expect(selfBaseUrl(fakeStrapi({ 'server.port': 1400 }, null))).toBe('http://127.0.0.1:1400');
  });

  it('reads nothing from a request: it takes no request, and a forged Host cannot reach it', () => {
    // The only inputs are Strapi's config and the socket address; the function's arity says so.
    expect(selfBaseUrl).toHaveLength(1);
    const strapi = fakeStrapi({}, { address: '127.0.0.1', family: 'IPv4', port: 1337 });
    expect((selfBaseUrl as (...args: unknown[]) => string)(strapi, 'http://attacker.example')).toBe('http://127.0.0.1:1337');
  });
});

describe('absoluteUrl', () => {
  const base = 'https://cms.example.com';

  it.each([
    ['an absolute https URL as it is', 'https://cdn.example.net/a.png', 'https://cdn.example.net/a.png'],
    ['an absolute http URL as it is, any case', 'HTTP://cdn.example.net/a.png', 'HTTP://cdn.example.net/a.png'],
    ['a protocol-relative URL with the base URL\'s protocol', '//cdn.example.net/a.png', 'https://cdn.example.net/a.png'],
    ['a rooted path on the base URL', '/uploads/a.png', 'https://cms.example.com/uploads/a.png'],
    ['a bare path on the base URL, with a slash between', 'uploads/a.png', 'https://cms.example.com/uploads/a.png'],
  ])('makes %s', (_, url, expected) => {
    expect(absoluteUrl(url, base)).toBe(expected);
  });

  it('gives a protocol-relative URL http on an http base', () => {
    expect(absoluteUrl('//cdn.example.net/a.png', 'http://localhost:1337')).toBe('http://cdn.example.net/a.png');
  });
});

describe('apiPrefix', () => {
  it.each([
    ['/api by default', {}, '/api'],
    ['api.rest.prefix', { 'api.rest.prefix': '/v2/rest' }, '/v2/rest'],
    ['api.rest.prefix without its trailing slash', { 'api.rest.prefix': '/content/' }, '/content'],
    ['/api for a null prefix', { 'api.rest.prefix': null }, '/api'],
  ])('answers %s', (_, config, expected) => {
    expect(apiPrefix(fakeStrapi(config))).toBe(expected);
  });
});

describe('pluginEndpoints', () => {
  it('names every plugin URL under the base URL and the API prefix', () => {
    expect(pluginEndpoints(fakeStrapi({ 'api.rest.prefix': '/rest' }), 'https://cms.example.com')).toEqual({
      usersInfo: 'https://cms.example.com/rest/imbachat/v1/users',
      search: 'https://cms.example.com/rest/imbachat/v1/search',
      authUsers: 'https://cms.example.com/rest/imbachat/v1/auth_users',
      version: 'https://cms.example.com/rest/imbachat/v1',
      token: 'https://cms.example.com/rest/imbachat/token',
      widget: 'https://cms.example.com/rest/imbachat/widget',
      notifications: 'https://cms.example.com/rest/imbachat/v1/notifications',
    });
  });

  it('uses /api by default', () => {
    expect(pluginEndpoints(fakeStrapi(), 'http://127.0.0.1:1337').usersInfo).toBe('http://127.0.0.1:1337/api/imbachat/v1/users');
  });
});
