/** The admin API's answer for GET and PUT /imbachat/settings. */
export interface SettingsData {
  widgetId: string;
  apiLogin: string;
  widgetScriptUrl: string;
  tokenTtlSeconds: number;
  nameField: string;
  avatarField: string;
  profileUrlTemplate: string;
  shareEmail: boolean;
  searchMode: 'contains' | 'prefix' | 'exact';
  idSeparator: string;
  apiPasswordSet: boolean;
  secretKeySet: boolean;
  /** Secrets saved in the database that cannot be decrypted (Strapi's encryption key changed): they read as not set. */
  unreadableSecrets: SecretKey[];
  /** The saved API password is shorter than recommended: accepted, with a warning. */
  apiPasswordShort: boolean;
  locked: string[];
}

export interface Endpoints {
  usersInfo: string;
  search: string;
  authUsers: string;
  version: string;
  token: string;
  widget: string;
}

export interface UserFieldChoice {
  name: string;
  type: string;
}

export interface SettingsResponse {
  data: SettingsData;
  meta: { endpoints: Endpoints; userFields: { nameField: UserFieldChoice[]; avatarField: UserFieldChoice[] } };
}

export interface TestResult {
  ok: boolean;
  status: number;
  url: string;
  durationMs: number;
  body: unknown;
}

/**
 * What the form edits: every setting, the secrets as '' (keep), a new value, or null (remove).
 */
export type FormValues = Omit<SettingsData, 'apiPasswordSet' | 'secretKeySet' | 'unreadableSecrets' | 'apiPasswordShort' | 'locked'> & {
  apiPassword: string | null;
  secretKey: string | null;
};

export const SECRET_KEYS = ['apiPassword', 'secretKey'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
