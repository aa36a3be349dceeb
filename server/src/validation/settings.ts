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

const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

/** An http(s) URL once its `{placeholders}` are filled in; empty allowed. */
const urlTemplate = (message: string) =>
  yup
    .string()
    .max(500)
    .test('url-template', message, (value) => !value || isHttpUrl(value.replace(/\{\w+\}/g, 'x')));

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One schema per setting: used for the admin API (strict) and for config/plugins (cast). */
export const SETTING_SCHEMAS = {
  widgetId: yup
    .string()
    .max(100)
    .matches(/^[A-Za-z0-9._-]*$/, '${path} may hold only letters, digits, ".", "_" and "-"'),
  apiLogin: yup
    .string()
    .max(200)
    .test('no-colon', '${path} cannot contain ":" (HTTP Basic uses it to end the login)', (value) => !value?.includes(':')),
  apiPassword: yup.string().max(500),
  secretKey: yup.string().max(500),
  widgetScriptUrl: urlTemplate('${path} must be an http(s) URL; {widgetId} is replaced by the widget id'),
  tokenTtlSeconds: yup
    .number()
    .integer('${path} must be a whole number of seconds')
    .min(60, '${path} must be at least 60 seconds')
    .max(604800, '${path} must be at most 604800 seconds (7 days)'),
  nameField: yup.string().max(100).matches(ATTRIBUTE_NAME, '${path} must be an attribute name of the user model'),
  avatarField: yup
    .string()
    .max(100)
    .matches(ATTRIBUTE_NAME, { message: '${path} must be an attribute name of the user model', excludeEmptyString: true }),
  profileUrlTemplate: urlTemplate('${path} must be an http(s) URL; {id}, {username} and {documentId} are replaced'),
  shareEmail: yup.boolean(),
  searchMode: yup.string().oneOf([...SEARCH_MODES], '${path} must be one of: ' + SEARCH_MODES.join(', ')),
  idSeparator: yup
    .string()
    .min(1, '${path} cannot be empty')
    .max(5)
    .matches(/^[^0-9]+$/, '${path} cannot contain digits'),
} satisfies Record<SettingKey, yup.AnySchema>;

/** The body of `PUT /imbachat/settings`: any subset of the settings, `null` clearing one. */
export const settingsUpdateSchema = yup
  .object(
    Object.fromEntries(
      // null (back to the default) is checked apart: yup's oneOf would refuse it.
      SETTING_KEYS.map((key) => [key, yup.lazy((value) => (value === null ? yup.mixed().nullable() : SETTING_SCHEMAS[key]))])
    )
  )
  .noUnknown(true, '${path} has an unknown setting: ${unknown}')
  .strict(true);

export type SettingsUpdate = { [K in SettingKey]?: Settings[K] | null };
