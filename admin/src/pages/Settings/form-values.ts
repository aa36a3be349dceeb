import type { MessageKey } from '../../utils/translation';
import { SECRET_KEYS, type FormValues, type SettingsData } from './types';

// The server's limits (server/src/validation/settings.ts), repeated so the page can say so before a save.
export const SECRET_KEY_MIN_LENGTH = 16;
export const API_PASSWORD_RECOMMENDED_LENGTH = 12;

export const toFormValues = ({
  apiPasswordSet,
  secretKeySet,
  unreadableSecrets,
  apiPasswordShort,
  locked,
  ...settings
}: SettingsData): FormValues => ({
  ...settings,
  apiPassword: '',
  secretKey: '',
});

/** Only what changed: secrets when typed (or null when removed), other values when they differ. */
export const toUpdate = (values: FormValues, initial: FormValues, locked: string[]): Partial<FormValues> => {
  const update: Record<string, unknown> = {};
  for (const key of Object.keys(values) as (keyof FormValues)[]) {
    if (locked.includes(key)) continue;
    const value = values[key];
    if ((SECRET_KEYS as readonly string[]).includes(key)) {
      if (value === null || value !== '') update[key] = value;
    } else if (value !== initial[key]) {
      update[key] = value;
    }
  }
  return update as Partial<FormValues>;
};

/** A URL template parsed with its `{placeholders}` filled in, or null when it is no URL. */
const parseTemplate = (value: string): URL | null => {
  try {
    return new URL(value.replace(/\{\w+\}/g, 'x'));
  } catch {
    return null;
  }
};

const isHttpUrl = (value: string) => ['http:', 'https:'].includes(parseTemplate(value)?.protocol ?? '');

/** What the server lets an admin save as the script URL: https on imbachat.com or a subdomain. */
export const isImbaChatScriptUrl = (value: string) => {
  const url = parseTemplate(value);
  if (!url || url.protocol !== 'https:' || url.username || url.password) return false;
  return url.hostname === 'imbachat.com' || url.hostname.endsWith('.imbachat.com');
};

export type FormErrors = Partial<Record<keyof FormValues, MessageKey>>;

/**
 * The checks the server makes, run first in the browser so mistakes show at once. Only what the
 * save sends is checked, as on the server: a value saved before a rule existed can stay.
 */
export const validate = (update: Partial<FormValues>): FormErrors => {
  const errors: FormErrors = {};
  const { widgetId, apiLogin, widgetScriptUrl, profileUrlTemplate, tokenTtlSeconds, idSeparator, secretKey } = update;
  if (widgetId !== undefined && !/^[A-Za-z0-9._-]*$/.test(widgetId)) errors.widgetId = 'validation.widget-id';
  if (apiLogin?.includes(':')) errors.apiLogin = 'validation.login-colon';
  if (widgetScriptUrl !== undefined && !isImbaChatScriptUrl(widgetScriptUrl)) errors.widgetScriptUrl = 'validation.script-url';
  if (profileUrlTemplate && !isHttpUrl(profileUrlTemplate)) errors.profileUrlTemplate = 'validation.url';
  if (tokenTtlSeconds !== undefined) {
    const ttl = Number(tokenTtlSeconds);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 604800) errors.tokenTtlSeconds = 'validation.ttl';
  }
  if (idSeparator !== undefined && !/^[^0-9]{1,5}$/.test(idSeparator)) errors.idSeparator = 'validation.separator';
  if (secretKey && secretKey.length < SECRET_KEY_MIN_LENGTH) errors.secretKey = 'validation.secret-key-short';
  for (const key of SECRET_KEYS) {
    if ((update[key]?.length ?? 0) > 500) errors[key] = 'validation.too-long';
  }
  return errors;
};
