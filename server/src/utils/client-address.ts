import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is 1.2.3.4. */
const unmapped = (ip: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);

/** The eight 16-bit groups of an IPv6 address, `::` expanded (an embedded IPv4 tail included). */
export const ipv6Groups = (ip: string): string[] => {
  let address = ip.split('%')[0].toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    address = address.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
};

/**
 * What a client is counted as: its IPv4 address, or the /64 of its IPv6 address (one subscriber
 * usually holds a whole /64, so counting single addresses would give it 2^64 budgets).
 */
export const clientKey = (ip: string): string => {
  const address = unmapped(ip);
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
};

/** `203.0.113.7`, `2001:db8::1`, `203.0.113.0/24`, `2001:db8::/48`: true when one of these parses. */
export const isAddressOrRange = (entry: string): boolean => {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/** Addresses and CIDR ranges never locked out (the chat server's own, an office, a monitor). */
export const trustedAddresses = (entries: string[]): ((ip: string) => boolean) => {
  if (entries.length === 0) return () => false; // the usual case, and BlockList's check is not free
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (ip: string): boolean => {
    const address = unmapped(ip);
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
};
