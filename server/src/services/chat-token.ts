import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ChatToken, Settings, WidgetInfo } from '../../../contract';

/** The widget script's URL: the template with `{widgetId}` filled in. */
export const widgetInfo = (settings: Pick<Settings, 'widgetId' | 'widgetScriptUrl'>): WidgetInfo => ({
  widget_id: settings.widgetId,
  script_url: settings.widgetScriptUrl.split('{widgetId}').join(encodeURIComponent(settings.widgetId)),
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

/**
 * Chat tokens as ImbaChat checks them: HS256 over exactly `{exp, user_id}`, signed with the
 * widget's Secret key.
 */
const chatTokenService = () => ({
  widgetInfo,

  issue(userId: number, settings: Settings, nowMs = Date.now()): ChatToken {
    const exp = Math.floor(nowMs / 1000) + settings.tokenTtlSeconds;
    const token = jwt.sign({ exp, user_id: userId }, secretKeyObject(settings.secretKey), {
      algorithm: 'HS256',
      noTimestamp: true,
    });
    return { token, user_id: userId, expires_at: exp, ...widgetInfo(settings) };
  },
});

export default chatTokenService;
