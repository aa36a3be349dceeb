/**
 * The plugin's settings as one contract: keys, defaults, limits and rules, read by the server
 * (admin API and config/plugins), the admin page and the client alike. Plain TypeScript with no
 * imports, so each bundle can take it as it is. A new setting is one entry in SETTING_RULES.
 */

export const SEARCH_MODES = ['contains', 'prefix', 'exact'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Write-only settings: stored and used on the server, never sent back. */
export const SECRET_KEYS = ['apiPassword', 'secretKey'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Shorter secret keys are refused: a chat token signed with one can be brute-forced offline by any logged-in user. */
export const SECRET_KEY_MIN_LENGTH = 16;
/** Shorter API passwords are accepted, with a warning on the admin page. */
export const API_PASSWORD_RECOMMENDED_LENGTH = 12;
export const TOKEN_TTL_SECONDS = { min: 60, max: 604800 } as const;

/** Who sets a value: an admin through the admin API, or the site's operator in config/plugins. */
export type Audience = 'admin' | 'config';

/** A refused value: `rule` names it for translations, `message` says it in English. Never carries the value. */
export interface SettingProblem {
  key: SettingKey;
  rule: string;
  message: string;
}

type Verdict = [rule: string, message: string] | null;

interface Rule<T> {
  kind: 'text' | 'integer' | 'boolean' | 'object';
  default: T;
  check(value: T, audience: Audience): Verdict;
}

const text = (defaultValue: string, max: number, check: (value: string, audience: Audience) => Verdict = () => null): Rule<string> => ({
  kind: 'text',
  default: defaultValue,
  check: (value, audience) => (value.length > max ? ['too-long', `must be at most ${max} characters`] : check(value, audience)),
});

/** A URL template parsed with its `{placeholders}` filled in, or null when it is no URL. */
const parseTemplate = (value: string): URL | null => {
  try {
    return new URL(value.replace(/\{\w+\}/g, 'x'));
  } catch {
    return null;
  }
};

/** ImbaChat's own hosts: the only script addresses an admin (rather than the site's operator) may set. */
export const isImbaChatScriptUrl = (value: string): boolean => {
  const url = parseTemplate(value);
  if (!url || url.protocol !== 'https:' || url.username || url.password) return false;
  return url.hostname === 'imbachat.com' || url.hostname.endsWith('.imbachat.com');
};

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const attribute = (value: string): Verdict =>
  value === '' || ATTRIBUTE_NAME.test(value) ? null : ['attribute', 'must be an attribute name of the user model'];

/** A display-name template: `{attribute}` placeholders of the user model and text between them. */
export const NAME_TEMPLATE_MAX_ATTRIBUTES = 5;
export type NameTemplatePart = { text: string } | { attribute: string };

/**
 * `{firstName} {lastName}` as its parts, or a reason it cannot be one: each placeholder an
 * attribute name, no brace outside one, at least one and at most NAME_TEMPLATE_MAX_ATTRIBUTES
 * placeholders. Which attributes the user model has is the server's check.
 */
export const parseNameTemplate = (value: string): { parts: NameTemplatePart[]; attributes: string[] } | { error: string } => {
  const parts: NameTemplatePart[] = [];
  const attributes: string[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let at = 0;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    const between = value.slice(at, match.index);
    if (/[{}]/.test(between)) return { error: 'has a brace that opens or closes no {attribute}' };
    if (!ATTRIBUTE_NAME.test(match[1])) return { error: `has "{${match[1].slice(0, 40)}}", which is no attribute name` };
    if (between) parts.push({ text: between });
    parts.push({ attribute: match[1] });
    if (!attributes.includes(match[1])) attributes.push(match[1]);
    at = match.index + match[0].length;
  }
  const rest = value.slice(at);
  if (/[{}]/.test(rest)) return { error: 'has a brace that opens or closes no {attribute}' };
  if (rest) parts.push({ text: rest });
  if (attributes.length === 0) return { error: 'must name at least one {attribute} of the user model, such as {firstName} {lastName}' };
  if (attributes.length > NAME_TEMPLATE_MAX_ATTRIBUTES) return { error: `may name at most ${NAME_TEMPLATE_MAX_ATTRIBUTES} attributes` };
  return { parts, attributes };
};

const checkNameTemplate = (value: string): Verdict => {
  if (value === '') return null;
  const parsed = parseNameTemplate(value);
  return 'error' in parsed ? ['name-template', parsed.error] : null;
};

/** The ten permissions ImbaChat reads from a user object (the reference's keys), in the order shown. */
export const CHAT_PERMISSIONS = [
  'send_message',
  'send_sketchboard',
  'send_files',
  'send_geo',
  'audio_calls',
  'video_calls',
  'audio_message',
  'video_message',
  'audio_message_enable',
  'available_chat',
] as const;
export type ChatPermission = (typeof CHAT_PERMISSIONS)[number];
export type ChatPermissions = Record<ChatPermission, boolean>;

export const CHAT_ROLES = ['user', 'admin'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/**
 * What one users-permissions role is in the chat. Either part may be left out: `chat_role` is then
 * `user`, a permission left out is granted (the reference's default).
 */
export interface RoleRule {
  chat_role?: ChatRole;
  permissions?: Partial<ChatPermissions>;
}
/** users-permissions role `type` → its rule. */
export type RoleMap = Record<string, RoleRule>;

/**
 * A role's type as users-permissions makes it from the role's name (`authenticated`, `moderator`,
 * `free_tier`; letters of any script stay: "Модератор чата" is `модератор_чата`).
 */
const ROLE_TYPE = /^[\p{L}\p{N}_.-]{1,100}$/u;
/** Keys that would read Object.prototype's members, were a map ever indexed carelessly. */
const RESERVED_ROLE_TYPES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);
export const MAX_MAPPED_ROLES = 200;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const checkRoleMap = (map: RoleMap): Verdict => {
  const entries = Object.entries(map);
  if (entries.length > MAX_MAPPED_ROLES) return ['role-map', `may map at most ${MAX_MAPPED_ROLES} roles`];
  for (const [type, rule] of entries) {
    if (!ROLE_TYPE.test(type) || RESERVED_ROLE_TYPES.has(type)) {
      return ['role-map', `has a key that is not a role type (letters, digits, ".", "_" and "-", at most 100 characters)`];
    }
    if (!isPlainObject(rule)) return ['role-map', `maps each role type to {chat_role, permissions}`];
    for (const key of Object.keys(rule)) {
      if (key !== 'chat_role' && key !== 'permissions') return ['role-map', `maps each role type to {chat_role, permissions} and nothing else`];
    }
    if (rule.chat_role !== undefined && !(CHAT_ROLES as readonly unknown[]).includes(rule.chat_role)) {
      return ['role-map', `gives each role a chat_role of ${CHAT_ROLES.join(' or ')}`];
    }
    if (rule.permissions !== undefined) {
      if (!isPlainObject(rule.permissions)) return ['role-map', `gives each role its permissions as an object of true/false`];
      for (const [name, allowed] of Object.entries(rule.permissions)) {
        if (!(CHAT_PERMISSIONS as readonly string[]).includes(name)) {
          return ['role-map', `knows only the permissions ${CHAT_PERMISSIONS.join(', ')}`];
        }
        if (typeof allowed !== 'boolean') return ['role-map', `gives each permission true or false`];
      }
    }
  }
  return null;
};

/** Every permission granted: what a role missing from the map gets. */
export const ALL_PERMISSIONS: Readonly<ChatPermissions> = Object.freeze(
  Object.fromEntries(CHAT_PERMISSIONS.map((name) => [name, true])) as ChatPermissions
);
/** Every permission refused: what a blocked user gets. */
export const NO_PERMISSIONS: Readonly<ChatPermissions> = Object.freeze(
  Object.fromEntries(CHAT_PERMISSIONS.map((name) => [name, false])) as ChatPermissions
);

/** A role's chat role and all ten permissions, by the map (a role it does not name: `user`, all granted). */
export const chatIdentityOf = (map: RoleMap, roleType: string | null | undefined): { chat_role: ChatRole; permissions: ChatPermissions } => {
  const rule = roleType && Object.prototype.hasOwnProperty.call(map, roleType) ? map[roleType] : undefined;
  return { chat_role: rule?.chat_role ?? 'user', permissions: { ...ALL_PERMISSIONS, ...rule?.permissions } };
};

/** `ImbaChat.load` display options a site may set (OctoberCMS's); each left out means the widget's own default. */
export const WIDGET_THEMES = ['default', 'dark'] as const;
export const WIDGET_POSITIONS = ['right', 'left'] as const;
export const WIDGET_FLAGS = ['resizable', 'draggable', 'useFaviconBadge', 'updateTitle'] as const;
/** The widget's language codes (ImbaChat's own spelling), and `auto`: the front end's language. */
export const WIDGET_LANGUAGES = ['en-US', 'ru-RUS', 'it-IT'] as const;
export const FOLLOW_FRONT_END = 'auto';

export interface WidgetOptions {
  language?: string;
  theme?: (typeof WIDGET_THEMES)[number];
  position?: (typeof WIDGET_POSITIONS)[number];
  resizable?: boolean;
  draggable?: boolean;
  useFaviconBadge?: boolean;
  updateTitle?: boolean;
}

/** A language code as the widget takes them (`en-US`, `ru-RUS`, `it-IT`, `de`), or `auto`. */
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;

const checkWidgetOptions = (options: WidgetOptions): Verdict => {
  for (const [key, value] of Object.entries(options)) {
    if (key === 'language') {
      if (typeof value !== 'string' || (value !== FOLLOW_FRONT_END && !LANGUAGE.test(value))) {
        return ['widget-options', `language must be a language code such as ${WIDGET_LANGUAGES.join(', ')}, or "${FOLLOW_FRONT_END}"`];
      }
    } else if (key === 'theme') {
      if (!(WIDGET_THEMES as readonly unknown[]).includes(value)) return ['widget-options', `theme must be ${WIDGET_THEMES.join(' or ')}`];
    } else if (key === 'position') {
      if (!(WIDGET_POSITIONS as readonly unknown[]).includes(value)) return ['widget-options', `position must be ${WIDGET_POSITIONS.join(' or ')}`];
    } else if ((WIDGET_FLAGS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') return ['widget-options', `${key} must be true or false`];
    } else {
      return ['widget-options', `knows only language, theme, position, ${WIDGET_FLAGS.join(', ')}`];
    }
  }
  return null;
};

/** What an email template may name; each is replaced by its value (HTML-escaped in HTML mail). */
export const NOTIFY_PLACEHOLDERS = ['name', 'title', 'body', 'siteUrl'] as const;
export const NOTIFY_EVERY_MINUTES = { min: 1, max: 1440 } as const;
export const NOTIFY_MAX_PER_MINUTE = { min: 1, max: 10000 } as const;

/** Loopback hosts, where a plain http address is a developer's own machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The public front end's address for links in emails: https, or http on a loopback host; no credentials, query or fragment. */
const checkSiteUrl = (value: string): Verdict => {
  if (value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return ['site-url', 'must be an absolute https:// address, such as https://www.example.com'];
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if ((url.protocol !== 'https:' && !loopbackHttp) || url.username || url.password || url.search || url.hash) {
    return ['site-url', 'must be an absolute https:// address, such as https://www.example.com'];
  }
  return null;
};

export const SETTING_RULES = {
  widgetId: text('', 100, (value) =>
    /^[A-Za-z0-9._-]*$/.test(value) ? null : ['widget-id', 'may hold only letters, digits, ".", "_" and "-"']
  ),
  apiLogin: text('', 200, (value) =>
    value.includes(':') ? ['login-colon', 'cannot contain ":" (HTTP Basic uses it to end the login)'] : null
  ),
  apiPassword: text('', 500),
  secretKey: text('', 500, (value) =>
    value !== '' && value.length < SECRET_KEY_MIN_LENGTH
      ? ['secret-key-short', `must be at least ${SECRET_KEY_MIN_LENGTH} characters: use the Secret key from the ImbaChat cabinet`]
      : null
  ),
  widgetScriptUrl: text('https://api.imbachat.com/imbachat/v1/{widgetId}/widget', 500, (value, audience) => {
    if (value === '') return null;
    if (parseTemplate(value)?.protocol !== 'https:') {
      return ['script-https', 'must be an https:// URL; {widgetId} is replaced by the widget id'];
    }
    // The script runs on every page of the front end: an admin can only point it at ImbaChat.
    if (audience === 'admin' && !isImbaChatScriptUrl(value)) {
      return ['script-url', 'must be on imbachat.com or one of its subdomains; another address can only be set in config/plugins'];
    }
    return null;
  }),
  tokenTtlSeconds: {
    kind: 'integer',
    default: 3600,
    check: (value) =>
      value < TOKEN_TTL_SECONDS.min
        ? ['ttl', `must be at least ${TOKEN_TTL_SECONDS.min} seconds`]
        : value > TOKEN_TTL_SECONDS.max
          ? ['ttl', `must be at most ${TOKEN_TTL_SECONDS.max} seconds (7 days)`]
          : null,
  } as Rule<number>,
  nameField: text('username', 100, (value) => (value === '' ? ['attribute', 'must be an attribute name of the user model'] : attribute(value))),
  avatarField: text('', 100, attribute),
  profileUrlTemplate: text('', 500, (value) =>
    value === '' || ['https:', 'http:'].includes(parseTemplate(value)?.protocol ?? '')
      ? null
      : ['url', 'must be an http(s) URL; {id}, {username} and {documentId} are replaced']
  ),
  shareEmail: { kind: 'boolean', default: false, check: () => null } as Rule<boolean>,
  searchMode: text('contains', 20, (value) =>
    (SEARCH_MODES as readonly string[]).includes(value) ? null : ['search-mode', `must be one of: ${SEARCH_MODES.join(', ')}`]
  ) as unknown as Rule<SearchMode>,
  idSeparator: text(',', 5, (value) =>
    value === '' ? ['separator', 'cannot be empty'] : /[0-9]/.test(value) ? ['separator', 'cannot contain digits'] : null
  ),
  chatRoles: { kind: 'boolean', default: false, check: () => null } as Rule<boolean>,
  roleMap: { kind: 'object', default: Object.freeze({}), check: checkRoleMap } as Rule<RoleMap>,
  badgeField: text('', 100, attribute),
  lastLoginField: text('', 100, attribute),
  trackLastSeen: { kind: 'boolean', default: false, check: () => null } as Rule<boolean>,
  guests: { kind: 'boolean', default: true, check: () => null } as Rule<boolean>,
  nameTemplate: text('', 200, checkNameTemplate),
  friendsField: text('', 100, attribute),
  widgetOptions: { kind: 'object', default: Object.freeze({}), check: checkWidgetOptions } as Rule<WidgetOptions>,
  notifyByEmail: { kind: 'boolean', default: false, check: () => null } as Rule<boolean>,
  notifyEveryMinutes: {
    kind: 'integer',
    default: 10,
    check: (value) =>
      value < NOTIFY_EVERY_MINUTES.min || value > NOTIFY_EVERY_MINUTES.max
        ? ['notify-every', `must be from ${NOTIFY_EVERY_MINUTES.min} to ${NOTIFY_EVERY_MINUTES.max} minutes`]
        : null,
  } as Rule<number>,
  notifyMaxPerMinute: {
    kind: 'integer',
    default: 60,
    check: (value) =>
      value < NOTIFY_MAX_PER_MINUTE.min || value > NOTIFY_MAX_PER_MINUTE.max
        ? ['notify-max', `must be from ${NOTIFY_MAX_PER_MINUTE.min} to ${NOTIFY_MAX_PER_MINUTE.max} emails a minute`]
        : null,
  } as Rule<number>,
  siteUrl: text('', 500, checkSiteUrl),
  notifySubject: text('New message: {title}', 200, (value) => (value.trim() === '' ? ['template', 'cannot be empty'] : null)),
  notifyText: text('Hello {name},\n\nYou have a new message while you were away:\n\n{title}\n{body}\n\nReply on {siteUrl}', 5000, (value) =>
    value.trim() === '' ? ['template', 'cannot be empty'] : null
  ),
};

type RuleValue<R> = R extends Rule<infer T> ? T : never;

/** Every setting with its type, as the rules above define it. */
export type Settings = { [K in keyof typeof SETTING_RULES]: RuleValue<(typeof SETTING_RULES)[K]> };
export type SettingKey = keyof Settings;
/** A partial update: a key left out is unchanged, `null` restores the default. */
export type SettingsUpdate = { [K in SettingKey]?: Settings[K] | null };

export const SETTING_KEYS = Object.keys(SETTING_RULES) as SettingKey[];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze(
  Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTING_RULES[key].default])) as Settings
);

export const isSettingKey = (key: string): key is SettingKey => Object.prototype.hasOwnProperty.call(SETTING_RULES, key);
export const isSecretKey = (key: string): key is SecretKey => (SECRET_KEYS as readonly string[]).includes(key);

const TYPE_MESSAGES = {
  text: 'must be a string',
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  object: 'must be an object',
};

const problem = (key: SettingKey, [rule, message]: [string, string]): SettingProblem => ({ key, rule, message: `${key} ${message}` });

/** Checks one value of the right JavaScript type or not: the admin API takes no other (strict). */
export const checkSetting = (key: SettingKey, value: unknown, audience: Audience = 'admin'): SettingProblem | null => {
  const rule = SETTING_RULES[key] as Rule<unknown>;
  const typeOk =
    rule.kind === 'text'
      ? typeof value === 'string'
      : rule.kind === 'boolean'
        ? typeof value === 'boolean'
        : rule.kind === 'object'
          ? isPlainObject(value)
          : Number.isSafeInteger(value);
  if (!typeOk) return problem(key, ['type', TYPE_MESSAGES[rule.kind]]);
  const verdict = rule.check(value, audience);
  return verdict ? problem(key, verdict) : null;
};

/** A value from config/plugins (env vars arrive as strings) in the setting's type, or undefined when it has none. */
export const castConfigValue = (key: SettingKey, value: unknown): unknown => {
  const { kind } = SETTING_RULES[key];
  if (kind === 'text') return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (kind === 'integer') return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (kind === 'object') {
    if (typeof value !== 'string') return value;
    // From an env var: JSON.
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return value;
};

/**
 * Reads the body of a settings update: any subset of the settings, `null` clearing one. Answers
 * the update and every problem found (unknown keys included), so a form can show them all at once.
 */
export const checkSettingsUpdate = (input: unknown): { update: SettingsUpdate; problems: SettingProblem[] } => {
  const problems: SettingProblem[] = [];
  const update: Record<string, unknown> = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { update: {}, problems: [{ key: '' as SettingKey, rule: 'type', message: 'the settings must be an object' }] };
  }
  for (const [key, value] of Object.entries(input)) {
    if (!isSettingKey(key)) {
      problems.push({ key: key as SettingKey, rule: 'unknown', message: `${key} is not a setting` });
      continue;
    }
    const found = value === null ? null : checkSetting(key, value, 'admin');
    if (found) problems.push(found);
    else update[key] = value;
  }
  return { update: update as SettingsUpdate, problems };
};
