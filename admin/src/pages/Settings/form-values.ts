import type { MessageKey } from '../../utils/translation';
import { SECRET_KEYS, type FormValues, type SettingsData } from './types';

export const toFormValues = ({ apiPasswordSet, secretKeySet, locked, ...settings }: SettingsData): FormValues => ({
  ...settings,
  apiPassword: '',
  secretKey: '',
});

/** Only what changed: secrets when typed (or null when removed), other values when they differ. */
export const toUpdate = (values: FormValues, initial: FormValues, locked: string[]): Record<string, unknown> => {
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
  return update;
};

const isHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value.replace(/\{\w+\}/g, 'x')).protocol);
  } catch {
    return false;
  }
};

/** The checks the server makes, run first in the browser so mistakes show at once. */
export const validate = (values: FormValues): Partial<Record<keyof FormValues, MessageKey>> => {
  const errors: Partial<Record<keyof FormValues, MessageKey>> = {};
  if (!/^[A-Za-z0-9._-]*$/.test(values.widgetId)) errors.widgetId = 'validation.widget-id';
  if (values.apiLogin.includes(':')) errors.apiLogin = 'validation.login-colon';
  if (!isHttpUrl(values.widgetScriptUrl)) errors.widgetScriptUrl = 'validation.url';
  if (values.profileUrlTemplate && !isHttpUrl(values.profileUrlTemplate)) errors.profileUrlTemplate = 'validation.url';
  const ttl = Number(values.tokenTtlSeconds);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 604800) errors.tokenTtlSeconds = 'validation.ttl';
  if (!/^[^0-9]{1,5}$/.test(values.idSeparator)) errors.idSeparator = 'validation.separator';
  for (const key of ['apiPassword', 'secretKey'] as const) {
    if ((values[key]?.length ?? 0) > 500) errors[key] = 'validation.too-long';
  }
  return errors;
};
