import type { MessageDescriptor } from 'react-intl';
import {
  MAX_MAPPED_ROLES,
  NOTIFY_EVERY_MINUTES,
  NOTIFY_MAX_PER_MINUTE,
  SECRET_KEY_MIN_LENGTH,
  SETTING_KEYS,
  SETTING_RULES,
  TOKEN_TTL_SECONDS,
  checkSettingsUpdate,
  isSecretKey,
  type PublicSettings,
  type SecretKey,
  type SettingKey,
  type SettingProblem,
  type Settings,
} from '../../../contract';
import { t, type MessageKey } from './translation';

/**
 * The settings as the form edits them: a secret is '' (keep what is stored), a new value, or null
 * (remove it); the token lifetime is '' while its input is empty, which the contract refuses.
 */
export type FormValues = Omit<Settings, SecretKey | 'tokenTtlSeconds'> & { tokenTtlSeconds: number | '' } & Record<SecretKey, string | null>;

/** A page's own settings: what its form holds and its Save sends. */
export type PageValues = Partial<FormValues>;

/** The form's values for the page's keys (every key when none are given): secrets start empty. */
export const toFormValues = (settings: PublicSettings, keys: readonly SettingKey[] = SETTING_KEYS): PageValues => {
  const values: Record<string, unknown> = {};
  for (const key of keys) values[key] = isSecretKey(key) ? '' : settings[key];
  return values as PageValues;
};

/** Equal as JSON values, whatever the order of their keys: the form copies an object it edits. */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && sameValue(left[key], right[key]))
  );
};

/**
 * What a save sends: only the keys the form holds (a page's own), secrets when typed (or null when
 * removed), other values (a whole role map) when they changed.
 */
export const toUpdate = (values: PageValues, initial: PageValues, locked: readonly SettingKey[]): Partial<Record<SettingKey, unknown>> => {
  const update: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    if (locked.includes(key) || !Object.prototype.hasOwnProperty.call(values, key)) continue;
    const value = values[key];
    if (isSecretKey(key) ? value !== '' : !sameValue(value, initial[key])) update[key] = value;
  }
  return update;
};

/**
 * The save as the server will read it, by the same rules: only what is sent is checked, so a value
 * saved before a rule existed can stay.
 */
export const readSave = (values: PageValues, initial: PageValues, locked: readonly SettingKey[]) =>
  checkSettingsUpdate(toUpdate(values, initial, locked));

type FieldMessage = MessageDescriptor & { values?: Record<string, string> };

const ttlRange = { min: String(TOKEN_TTL_SECONDS.min), max: String(TOKEN_TTL_SECONDS.max) };

/** The page's wording of each of the contract's rules (numbers as text, so none is grouped). */
const RULE_MESSAGES: Partial<Record<string, { key: MessageKey; values?: Record<string, string> }>> = {
  'too-long': { key: 'validation.too-long' },
  'widget-id': { key: 'validation.widget-id' },
  'login-colon': { key: 'validation.login-colon' },
  'secret-key-short': { key: 'validation.secret-key-short', values: { min: String(SECRET_KEY_MIN_LENGTH) } },
  // An admin may save only https addresses on imbachat.com: one message says both.
  'script-https': { key: 'validation.script-url' },
  'script-url': { key: 'validation.script-url' },
  ttl: { key: 'validation.ttl', values: ttlRange },
  attribute: { key: 'validation.attribute' },
  url: { key: 'validation.url' },
  'search-mode': { key: 'validation.search-mode' },
  'notify-every': { key: 'validation.notify-every', values: { min: String(NOTIFY_EVERY_MINUTES.min), max: String(NOTIFY_EVERY_MINUTES.max) } },
  'notify-max': { key: 'validation.notify-max', values: { min: String(NOTIFY_MAX_PER_MINUTE.min), max: String(NOTIFY_MAX_PER_MINUTE.max) } },
  'site-url': { key: 'validation.site-url' },
  'name-template': { key: 'validation.name-template', values: { firstName: '{firstName}', lastName: '{lastName}' } },
  template: { key: 'validation.template' },
  separator: { key: 'validation.separator' },
  'role-map': { key: 'validation.role-map', values: { max: String(MAX_MAPPED_ROLES) } },
  'widget-options': { key: 'validation.widget-options' },
  type: { key: 'validation.type' },
  unknown: { key: 'validation.unknown' },
};

/** A problem as a translated message for its field, the contract's English as the fallback. */
export const problemMessage = ({ key, rule, message }: SettingProblem): FieldMessage | string => {
  const known = RULE_MESSAGES[rule];
  if (!known) return message;
  // The type message names what the setting takes: a whole number, on/off, an object or text.
  const values = rule === 'type' ? { kind: SETTING_RULES[key]?.kind ?? 'text' } : known.values;
  return { ...t(known.key), defaultMessage: message, values };
};

/** What <Form> takes as field errors from `validate`: a yup-like ValidationError, one entry per field. */
export class SettingsFormError extends Error {
  override name = 'ValidationError';
  readonly inner: { path: string; message: FieldMessage | string }[];

  constructor(problems: SettingProblem[]) {
    super(problems.map((problem) => problem.message).join('; '));
    this.inner = problems.map((problem) => ({ path: problem.key, message: problemMessage(problem) }));
  }
}
