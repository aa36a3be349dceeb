import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  login: string;
  password: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;
const MAX_HEADER_LENGTH = 4096;

/** `Authorization: Basic base64(login:password)` → the two parts, or null when malformed. */
export const parseBasicAuth = (header: unknown): BasicCredentials | null => {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return null;
  const match = BASIC.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};

// Comparing keyed digests makes the comparison's time independent of both length and content. The
// key is random per process and secret, so SHA-256 over key and value serves (one call, no HMAC
// object: the check runs on every chat-server request).
const digestKey = randomBytes(32).toString('hex');
const digest = (value: string) => hash('sha256', `${digestKey}\0${value}`, 'buffer') as unknown as Buffer;

/**
 * A check against these credentials, their digests made once (the settings change rarely, the
 * requests often). The login compares case-insensitively (as ImbaChat's own plugins do), the
 * password exactly.
 */
export const credentialsChecker = (expected: BasicCredentials) => {
  const login = digest(expected.login.toLowerCase());
  const password = digest(expected.password);
  return (given: BasicCredentials): boolean => {
    const loginOk = timingSafeEqual(digest(given.login.toLowerCase()), login);
    const passwordOk = timingSafeEqual(digest(given.password), password);
    return loginOk && passwordOk;
  };
};
