import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

/** The header Test API's own request carries, so the status does not take it for the chat server. */
export const SELF_TEST_HEADER = 'x-imbachat-self-test';

const fallbackKey = randomBytes(32);

/**
 * A mark only this site can make: an HMAC keyed by the admin's JWT secret, which every instance of
 * the site shares (a Test API run may reach another instance through the load balancer). Without
 * that secret, a per-process key: the run is then recognised by the instance that made it.
 */
export const selfTestMark = (strapi: Core.Strapi): string => {
  const secret = strapi.config.get('admin.auth.secret');
  const key = typeof secret === 'string' && secret ? secret : fallbackKey;
  return createHmac('sha256', key).update('imbachat: Test API').digest('hex');
};

/** Whether this request is the admin's Test API (compared in constant time). */
export const isSelfTest = (strapi: Core.Strapi, ctx: Context): boolean => {
  const given = Buffer.from(ctx.get(SELF_TEST_HEADER));
  const expected = Buffer.from(selfTestMark(strapi));
  return given.length === expected.length && timingSafeEqual(given, expected);
};
