import type { ChatServerRoute } from './routes';
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
  /** The public attributes a name template may name. */
  nameTemplate: UserFieldChoice[];
  /** The user model's relations to users (type: the relation, e.g. manyToMany). */
  friendsField: UserFieldChoice[];
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
    /** Whether the chat server can reach the endpoints' address. */
    publicUrl: PublicUrlCheck;
    /** Strapi's email provider in use (e.g. `sendmail`, `nodemailer`), or null without the email plugin. */
    emailProvider: string | null;
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

/** POST /imbachat/settings/test: `user_ids`, and optionally the form's `apiLogin`/`apiPassword` (stored nothing). */
export interface ApiTestRequest {
  user_ids: string;
  apiLogin?: string;
  apiPassword?: string;
}

/** POST /imbachat/settings/test. */
export interface ApiTestResult {
  ok: boolean;
  status: number;
  url: string;
  durationMs: number;
  body: unknown;
  /** Whose credentials were sent: the saved ones, or the form's unsaved ones (then the run is not recorded as the checklist's "Test API passed"). */
  credentials?: 'saved' | 'form';
}

/**
 * Whether ImbaChat's chat server can reach the site's public address (the URLs pasted into the
 * cabinet). `reachable` is false for plain http, a loopback, private or link-local host, or when
 * `server.url` is not an absolute URL (the address is then guessed from the admin's browser).
 */
export type PublicUrlProblem = 'not-set' | 'http' | 'loopback' | 'private' | 'link-local';
export interface PublicUrlCheck {
  /** The base the endpoints are built from, e.g. `https://example.com`. */
  url: string;
  reachable: boolean;
  /** Every reason it is not reachable, most important first; empty when reachable. */
  problems: PublicUrlProblem[];
}

/** The chat-server routes whose calls the status records. */


/** Why a chat-server call failed, as the admin's status shows it. */
export type ChatServerFailureReason =
  | 'wrong-credentials'
  | 'no-credentials'
  | 'locked-out'
  | 'not-configured'
  | 'unreadable-secret'
  | 'login-refused'
  | 'login-locked-out'
  | 'bad-request'
  | 'outbox-full'
  | 'server-error';

/** One call as recorded: when (ISO 8601), the HTTP status answered, and the client address (Koa's `ctx.ip`). */
export interface ChatServerCall {
  at: string;
  status: number;
  ip: string;
}

export interface ChatServerFailure extends ChatServerCall {
  reason: ChatServerFailureReason;
}

export interface ChatServerRouteStatus {
  route: ChatServerRoute;
  /** The newest call of any outcome, or null when none was ever recorded. */
  lastCall: ChatServerCall | null;
  /** The newest call that answered 2xx. */
  lastSuccess: ChatServerCall | null;
  /** The newest call that failed, and why. */
  lastFailure: ChatServerFailure | null;
}

/** A current lockout, from the throttle's shared table. */
export interface Lockout {
  /** Opaque id for DELETE /imbachat/status/lockouts/:key. */
  key: string;
  /** `basicAuth`: a client address (an IPv4 address or an IPv6 /64) sending wrong API credentials; `authUsers`: a site account whose password check failed too often. */
  kind: 'basicAuth' | 'authUsers';
  /** What an admin reads: the address, or the account as `username (#id)`/the login tried. */
  subject: string;
  failures: number;
  /** When it ends (ISO 8601). */
  until: string;
}

/** GET /imbachat/status (read permission). */
export interface StatusResponse {
  data: {
    routes: ChatServerRouteStatus[];
    lockouts: Lockout[];
    /** The newest Test API run on any instance (ISO time and whether it passed), or null. */
    lastTest: { at: string; ok: boolean; status: number } | null;
    publicUrl: PublicUrlCheck;
    /** The server's clock when answering (ISO), to show relative times. */
    now: string;
  };
}

/** A site user as Test API's picker lists it (GET /imbachat/users?q=, read permission). */
export interface PickerUser {
  id: number;
  username: string;
  /** The name as the chat shows it. */
  name: string;
}

/** POST /imbachat/settings/test-email (update permission): sent to the signed-in admin's own address. */
export interface TestEmailResult {
  ok: boolean;
  to: string;
  provider: string;
  /** Why it failed, in words (the provider's message, no secret). */
  error?: string;
}

/** A dialog token's `status`: 0 the dialog opens at once, 1 the other user must accept it first (`need_access`). */
export type DialogStatus = 0 | 1;

/** POST /api/imbachat/dialog: a dialog token for "Write message" (`imbaApi.openDialog(user_id, 0, token)`). */
export interface DialogToken {
  token: string;
  /** The other user. */
  user_id: number;
  status: DialogStatus;
  expires_at: number;
}

/** POST /imbachat/dashboard (admin, `plugin::imbachat.dashboard.open`): where the moderation dashboard opens. */
export interface DashboardLink {
  url: string;
}
