import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { ChatToken, Settings, WidgetInfo } from '../../../contract';

/** The widget's id, its script's URL (the template with `{widgetId}` filled in) and the site's load options. */
export const widgetInfo = (settings: Pick<Settings, 'widgetId' | 'widgetScriptUrl' | 'widgetOptions'>): WidgetInfo => ({
  widget_id: settings.widgetId,
  script_url: settings.widgetScriptUrl.split('{widgetId}').join(encodeURIComponent(settings.widgetId)),
  options: settings.widgetOptions,
});

/**
 * A string secret as a KeyObject, made once per secret: given a string, jsonwebtoken first tries
 * to read it as a PEM key on every call, which costs more than the signature itself.
 */
export const secretKeyObject = (() => {
  const keys = new Map<string, KeyObject>(); // the chat secret and users-permissions' secret, mostly
  return (secret: string): KeyObject => {
    let key = keys.get(secret);
    if (!key) {
      if (keys.size >= 8) keys.clear();
      key = createSecretKey(Buffer.from(secret, 'utf8'));
      keys.set(secret, key);
    }
    return key;
  };
})();

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * An HS256 JWT of exactly `{exp, user_id}`: the bytes `jsonwebtoken.sign(payload, secret,
 * {algorithm: 'HS256', noTimestamp: true})` gives (a unit test compares them), without its option
 * checking, which was most of the token route's own CPU time.
 */
export const signChatToken = (payload: { exp: number; user_id: number }, secret: string): string => {
  const body = `${HEADER}.${Buffer.from(JSON.stringify({ exp: payload.exp, user_id: payload.user_id })).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secretKeyObject(secret)).update(body).digest('base64url')}`;
};

/** An HS256 JWT of exactly these claims, in this order (dialog tokens, the dashboard's admin token). */
export const signHs256 = (claims: Record<string, string | number>, secret: string): string => {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secretKeyObject(secret)).update(body).digest('base64url')}`;
};

/**
 * Chat tokens as ImbaChat checks them: HS256 over exactly `{exp, user_id}`, signed with the
 * widget's Secret key.
 */
const chatTokenService = () => ({
  widgetInfo,

  issue(userId: number, settings: Settings, nowMs = Date.now()): ChatToken {
    const exp = Math.floor(nowMs / 1000) + settings.tokenTtlSeconds;
    const token = signChatToken({ exp, user_id: userId }, settings.secretKey);
    return { token, user_id: userId, expires_at: exp, ...widgetInfo(settings) };
  },
});

export default chatTokenService;
