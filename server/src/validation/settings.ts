import { yup } from '@strapi/utils';

export const SEARCH_MODES = ['contains', 'prefix', 'exact'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface Settings {
  widgetId: string;
  apiLogin: string;
  apiPassword: string;
  secretKey: string;
  widgetScriptUrl: string;
  tokenTtlSeconds: number;
  nameField: string;
  avatarField: string;
  profileUrlTemplate: string;
  shareEmail: boolean;
  searchMode: SearchMode;
  idSeparator: string;
}

export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  widgetId: '',
  apiLogin: '',
  apiPassword: '',
  secretKey: '',
  widgetScriptUrl: 'https://api.imbachat.com/imbachat/v1/{widgetId}/widget',
  tokenTtlSeconds: 3600,
  nameField: 'username',
  avatarField: '',
  profileUrlTemplate: '',
  shareEmail: false,
  searchMode: 'contains',
  idSeparator: ',',
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

/** Write-only settings: stored and used on the server, never sent back. */
export const SECRET_KEYS = ['apiPassword', 'secretKey'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const isSettingKey = (key: string): key is SettingKey =>
  Object.prototype.hasOwnProperty.call(DEFAULT_SETTINGS, key);

export const isSecretKey = (key: string): key is SecretKey =>
  (SECRET_KEYS as readonly string[]).includes(key);

/** A URL template parsed with its `{placeholders}` filled in, or null when it is no URL. */
const parseTemplate = (value: string): URL | null => {
  try {
    return new URL(value.replace(/\{\w+\}/g, 'x'));
  } catch {
    return null;
  }
};

const isHttpUrl = (value: string): boolean => ['https:', 'http:'].includes(parseTemplate(value)?.protocol ?? '');

/** ImbaChat's own hosts: the only script addresses an admin (rather than the site's operator) may set. */
export const isImbaChatScriptUrl = (value: string): boolean => {
  const url = parseTemplate(value);
  if (!url || url.protocol !== 'https:' || url.username || url.password) return false;
  return url.hostname === 'imbachat.com' || url.hostname.endsWith('.imbachat.com');
};

/** Messages never interpolate `${value}`: yup's defaults would echo a refused secret back. */
const text = () => yup.string().typeError('${path} must be a string');

/** An http(s) URL once its `{placeholders}` are filled in; empty allowed. */
const urlTemplate = (message: string) =>
  text()
    .max(500, '${path} must be at most 500 characters')
    .test('url-template', message, (value) => !value || isHttpUrl(value));

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Shorter secret keys are refused: a chat token signed with one can be brute-forced offline by any logged-in user. */
export const SECRET_KEY_MIN_LENGTH = 16;
/** Shorter API passwords are accepted, with a warning on the admin page. */
export const API_PASSWORD_RECOMMENDED_LENGTH = 12;

/** One schema per setting: used for the admin API (strict) and for config/plugins (cast). */
export const SETTING_SCHEMAS = {
  widgetId: text()
    .max(100, '${path} must be at most 100 characters')
    .matches(/^[A-Za-z0-9._-]*$/, '${path} may hold only letters, digits, ".", "_" and "-"'),
  apiLogin: text()
    .max(200, '${path} must be at most 200 characters')
    .test('no-colon', '${path} cannot contain ":" (HTTP Basic uses it to end the login)', (value) => !value?.includes(':')),
  apiPassword: text().max(500, '${path} must be at most 500 characters'),
  secretKey: text()
    .max(500, '${path} must be at most 500 characters')
    .test(
      'min-length',
      `\${path} must be at least ${SECRET_KEY_MIN_LENGTH} characters: use the Secret key from the ImbaChat cabinet`,
      (value) => !value || value.length >= SECRET_KEY_MIN_LENGTH
    ),
  widgetScriptUrl: text()
    .max(500, '${path} must be at most 500 characters')
    .test(
      'https',
      '${path} must be an https:// URL; {widgetId} is replaced by the widget id',
      (value) => !value || parseTemplate(value)?.protocol === 'https:'
    ),
  tokenTtlSeconds: yup
    .number()
    .typeError('${path} must be a number of seconds')
    .integer('${path} must be a whole number of seconds')
    .min(60, '${path} must be at least 60 seconds')
    .max(604800, '${path} must be at most 604800 seconds (7 days)'),
  nameField: text()
    .max(100, '${path} must be at most 100 characters')
    .matches(ATTRIBUTE_NAME, '${path} must be an attribute name of the user model'),
  avatarField: text()
    .max(100, '${path} must be at most 100 characters')
    .matches(ATTRIBUTE_NAME, { message: '${path} must be an attribute name of the user model', excludeEmptyString: true }),
  profileUrlTemplate: urlTemplate('${path} must be an http(s) URL; {id}, {username} and {documentId} are replaced'),
  shareEmail: yup.boolean().typeError('${path} must be true or false'),
  searchMode: text().oneOf([...SEARCH_MODES], '${path} must be one of: ' + SEARCH_MODES.join(', ')),
  idSeparator: text()
    .min(1, '${path} cannot be empty')
    .max(5, '${path} must be at most 5 characters')
    .matches(/^[^0-9]+$/, '${path} cannot contain digits'),
} satisfies Record<SettingKey, yup.AnySchema>;

/**
 * What an admin may save is narrower than what the site's operator may put in config/plugins:
 * the widget script runs on every page of the front end, so an admin can only point it at ImbaChat.
 */
export const ADMIN_SETTING_SCHEMAS: Record<SettingKey, yup.AnySchema> = {
  ...SETTING_SCHEMAS,
  widgetScriptUrl: SETTING_SCHEMAS.widgetScriptUrl.test(
    'imbachat-host',
    '${path} must be on imbachat.com or one of its subdomains; another address can only be set in config/plugins',
    (value) => !value || isImbaChatScriptUrl(value)
  ),
};

/** The body of `PUT /imbachat/settings`: any subset of the settings, `null` clearing one. */
export const settingsUpdateSchema = yup
  .object(
    Object.fromEntries(
      // null (back to the default) is checked apart: yup's oneOf would refuse it.
      SETTING_KEYS.map((key) => [key, yup.lazy((value) => (value === null ? yup.mixed().nullable() : ADMIN_SETTING_SCHEMAS[key]))])
    )
  )
  .noUnknown(true, '${path} has an unknown setting: ${unknown}')
  .strict(true);

export type SettingsUpdate = { [K in SettingKey]?: Settings[K] | null };
