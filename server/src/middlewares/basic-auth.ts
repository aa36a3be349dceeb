import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { credentialsMatch, parseBasicAuth } from '../utils/basic-auth';
import { sendChatError } from '../utils/chat-error';
import { getService } from '../utils/get-service';
import { unreadableReason } from '../services/settings';

/**
 * The chat server's HTTP Basic check (API login and password from the widget's settings).
 * Closed while unconfigured; failed checks are counted per client IP and throttled.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    const { settings, unreadable } = await getService(strapi, 'settings').snapshot();
    const { apiLogin, apiPassword } = settings;
    if (!apiPassword && unreadable.includes('apiPassword')) return sendChatError(ctx, 503, unreadableReason('apiPassword'));
    if (!apiLogin || !apiPassword) {
      return sendChatError(ctx, 503, 'ImbaChat API is not configured: set the API login and password');
    }
    const throttle = getService(strapi, 'throttle');
    const retryAfter = throttle.retryAfter('basicAuth', ctx.ip);
    if (retryAfter > 0) {
      return sendChatError(ctx, 429, 'Too many failed attempts, try again later', { 'Retry-After': String(retryAfter) });
    }
    const given = parseBasicAuth(ctx.get('authorization'));
    if (!given || !credentialsMatch(given, { login: apiLogin, password: apiPassword })) {
      throttle.recordFailure('basicAuth', ctx.ip);
      return sendChatError(ctx, 401, 'Authenticate required!', { 'WWW-Authenticate': 'Basic realm="ImbaChat"' });
    }
    await next();
  };
