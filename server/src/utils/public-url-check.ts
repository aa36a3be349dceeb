import { isIP } from 'node:net';
import type { PublicUrlCheck, PublicUrlProblem } from '../../../contract';
import { ipv6Groups } from './client-address';

/** Where a host is, as far as a server on the internet is concerned. */
export type HostReach = 'public' | 'loopback' | 'private' | 'link-local';

const ipv4Reach = (address: string): HostReach => {
  const [a, b] = address.split('.').map(Number);
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  // CGNAT (RFC 6598): the carrier's network, not the internet.
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
};

const ipv6Reach = (address: string): HostReach => {
  const groups = ipv6Groups(address).map((group) => parseInt(group, 16));
  // ::ffff:a.b.c.d is an IPv4 address.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return ipv4Reach(`${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`);
  }
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] <= 1) return 'loopback'; // ::1, and :: (unspecified)
  if ((groups[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
  if ((groups[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, the old site-local
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  return 'public';
};

/** Names that only a local network resolves (mDNS, home routers, cloud-internal DNS). */
const LOCAL_SUFFIXES = ['.local', '.internal', '.lan', '.home.arpa'];

/** A URL's hostname (as `new URL` gives it: IPv6 in brackets, IPv4 normalised) by where it can be reached from. */
export const hostReach = (hostname: string): HostReach => {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const family = isIP(host.split('%')[0]);
  if (family === 4) return ipv4Reach(host);
  if (family === 6) return ipv6Reach(host.split('%')[0]);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  // A single label (`strapi`, `cms`) is a name only the machine's own network knows.
  if (!host.includes('.') || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) return 'private';
  return 'public';
};

/**
 * Whether ImbaChat's chat server, somewhere on the internet, can reach `url`: plain http, a
 * loopback, private or link-local host, or an address that is only a guess (`configured` false:
 * Strapi's `server.url` is not absolute, so the URL comes from the admin's browser) all say no.
 */
export const checkPublicUrl = (url: string, configured: boolean): PublicUrlCheck => {
  const problems: PublicUrlProblem[] = configured ? [] : ['not-set'];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL at all: nothing more to say than that it is not set right.
  }
  if (!parsed) return { url, reachable: false, problems: configured ? ['not-set'] : problems };
  if (parsed.protocol !== 'https:') problems.push('http');
  const reach = hostReach(parsed.hostname);
  if (reach !== 'public') problems.push(reach);
  return { url, reachable: problems.length === 0, problems };
};
