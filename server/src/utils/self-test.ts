import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header Test API's own request carries, so the status does not take it for the chat server. */
export const SELF_TEST_HEADER = 'x-imbachat-self-test';

const fallbackKey = randomBytes(32);

/**
 * A mark only this site can make: an HMAC keyed by the admin's JWT secret (`admin.auth.secret`),
 * which every instance of the site shares (a Test API run may reach another instance through the
 * load balancer). Without that secret, a per-process key: the run is then recognised by the
 * instance that made it.
 */
export const selfTestMark = (adminSecret: unknown): string => {
  const key = typeof adminSecret === 'string' && adminSecret ? adminSecret : fallbackKey;
  return createHmac('sha256', key).update('imbachat: Test API').digest('hex');
};

/** Whether a request's header value is that mark (compared in constant time). */
export const isSelfTestMark = (header: string, adminSecret: unknown): boolean => {
  const given = Buffer.from(header);
  const expected = Buffer.from(selfTestMark(adminSecret));
  return given.length === expected.length && timingSafeEqual(given, expected);
};
