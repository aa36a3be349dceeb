import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import type { Settings } from '../../../contract';
import { unreadableReason } from '../services/settings';
import { credentialsChecker, parseBasicAuth } from '../utils/basic-auth';
import { sendChatError } from './chat-error';
import type { BasicAuthRefusal } from '../utils/chat-server-status';
import { getService } from '../services/get-service';

const STATE_KEY = 'imbachatSettings';
const REFUSAL_KEY = 'imbachatRefusal';

/** The settings this chat-server request was admitted with: read once, by the middleware below. */
export const chatServerSettings = (ctx: Context): Settings => ctx.state[STATE_KEY] as Settings;

/** What the middleware below refused this request for, if it did (the status records it). */
export const basicAuthRefusal = (ctx: Context): BasicAuthRefusal | undefined => ctx.state[REFUSAL_KEY] as BasicAuthRefusal | undefined;

/**
 * The chat server's HTTP Basic check (API login and password from the widget's settings).
 * Closed while unconfigured; failed checks are counted per client (an IPv4 address or an IPv6
 * /64) and throttled, except for `throttle.trustedIps`.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  // Settings snapshots are frozen and replaced on change: one checker per snapshot.
  const checkers = new WeakMap<Settings, ReturnType<typeof credentialsChecker>>();
  const checkerFor = (settings: Settings) => {
    let check = checkers.get(settings);
    if (!check) {
      check = credentialsChecker({ login: settings.apiLogin, password: settings.apiPassword });
      checkers.set(settings, check);
    }
    return check;
  };

  return async (ctx: Context, next: Next) => {
    const refuse = (refusal: BasicAuthRefusal) => {
      ctx.state[REFUSAL_KEY] = refusal;
    };
    const { settings, unreadable } = await getService(strapi, 'settings').snapshot();
    const { apiLogin, apiPassword } = settings;
    if (!apiPassword && unreadable.includes('apiPassword')) {
      refuse('unreadable-secret');
      return sendChatError(ctx, 503, unreadableReason('apiPassword'));
    }
    if (!apiLogin || !apiPassword) {
      refuse('not-configured');
      return sendChatError(ctx, 503, 'ImbaChat API is not configured: set the API login and password');
    }
    const challenge = () =>
      sendChatError(ctx, 401, 'Authenticate required!', { 'WWW-Authenticate': 'Basic realm="ImbaChat"' });
    // No credentials at all is how HTTP clients ask for the challenge: nothing to count.
    const header = ctx.get('authorization');
    if (!header) {
      refuse('no-credentials');
      return challenge();
    }

    const throttle = getService(strapi, 'throttle');
    const client = throttle.client(ctx.ip);
    const retryAfter = client.trusted ? 0 : await throttle.lockedOutFor('basicAuth', client.key);
    if (retryAfter > 0) {
      refuse('locked-out');
      return sendChatError(ctx, 429, 'Too many failed attempts, try again later', { 'Retry-After': String(retryAfter) });
    }
    const credentials = parseBasicAuth(header);
    if (!credentials || !checkerFor(settings)(credentials)) {
      if (!client.trusted) await throttle.recordFailure('basicAuth', client.key, Date.now(), client.key);
      refuse('wrong-credentials');
      return challenge();
    }
    ctx.state[STATE_KEY] = settings;
    await next();
  };
};
