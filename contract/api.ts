/**
 * The shapes the plugin's routes answer, shared by the server that makes them, the admin page
 * and the browser client that read them.
 */
import type { ChatPermissions, ChatRole, SecretKey, SettingKey, Settings, WidgetOptions } from './settings';

/** GET /api/imbachat/widget: for visitors who are not logged in. */
export interface WidgetInfo {
  widget_id: string;
  script_url: string;
  /** The site's `ImbaChat.load` options (`widgetOptions`); a caller's own options win over them. */
  options: WidgetOptions;
}

/** GET /api/imbachat/widget while `guests` is off: a 200 answer, not an error. */
export interface GuestsOff {
  guests: false;
}

/** GET /api/imbachat/token: a chat token for the logged-in user. */
export interface ChatToken extends WidgetInfo {
  token: string;
  user_id: number;
  expires_at: number;
}

/** The plugin's URLs as the outside world reaches them. */
export interface Endpoints {
  usersInfo: string;
  search: string;
  authUsers: string;
  version: string;
  token: string;
  widget: string;
  notifications: string;
}

/** What the admin API shows: every setting but the secrets, and what is known of them. */
export type PublicSettings = Omit<Settings, SecretKey> & {
  apiPasswordSet: boolean;
  secretKeySet: boolean;
  /** Secrets saved in the database that cannot be decrypted (Strapi's encryption key changed): they read as not set. */
  unreadableSecrets: SecretKey[];
  /** An API password is set and is shorter than recommended (accepted, with a warning). */
  apiPasswordShort: boolean;
  locked: SettingKey[];
};

export interface UserFieldChoice {
  name: string;
  type: string;
}

/** The attributes of the user model each field setting may name. */
export interface UserFieldChoices {
  nameField: UserFieldChoice[];
  avatarField: UserFieldChoice[];
  badgeField: UserFieldChoice[];
  lastLoginField: UserFieldChoice[];
}

/** A users-permissions role as the Roles section lists it (read from Strapi on every request). */
export interface SiteRole {
  type: string;
  name: string;
  description: string;
}

/** GET and PUT /imbachat/settings. */
export interface SettingsResponse {
  data: PublicSettings;
  meta: {
    endpoints: Endpoints;
    userFields: UserFieldChoices;
    roles: SiteRole[];
    /** users-permissions' "Enable email confirmation": off, no user's address has been verified. */
    emailConfirmation: boolean;
  };
}

/** A user as ImbaChat's chat server reads it (users by id, search). */
export interface ChatUser {
  user_id: number;
  name: string;
  avatar_url?: string;
  profile_url?: string;
  email?: string;
  user_mail?: string;
  /** With `chatRoles`. */
  chat_role?: ChatRole;
  permissions?: ChatPermissions;
  /** With `badgeField`, when the user has a value. */
  badge?: string | number;
  /** Unix seconds: with `lastLoginField` or `trackLastSeen`, when known. */
  lastlogin?: number;
  /** Whatever the site's `extendUsers` hook adds. */
  [extra: string]: unknown;
}

/** POST /imbachat/settings/test. */
export interface ApiTestResult {
  ok: boolean;
  status: number;
  url: string;
  durationMs: number;
  body: unknown;
}
