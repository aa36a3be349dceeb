import { NO_PERMISSIONS, chatIdentityOf, type ChatUser, type RoleMap, type Settings } from '../../../contract';
import type { NameTemplate, SiteUser } from '../site-user';
import { absoluteUrl } from './public-url';

export type { ChatUser };

export interface ChatUserContext {
  settings: Pick<Settings, 'profileUrlTemplate' | 'shareEmail' | 'chatRoles' | 'roleMap'>;
  /** The name template, whose values the user carries (`nameValues`, in the template's attribute order). */
  nameTemplate?: NameTemplate | null;
  /** Where relative media URLs live: the site's public address. */
  baseUrl: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** A template value as text: strings, numbers (integer attributes) and bytes (MySQL's binary reads); nothing else. */
const valueText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return '';
};

/**
 * The name template filled with a user's values (in the order of `template.attributes`), whitespace
 * collapsed and trimmed; '' when every value is empty (the text between them alone names nobody).
 */
export const fillName = (template: NameTemplate, values: readonly unknown[] | undefined): string => {
  if (!values) return '';
  let any = false;
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = valueText(values[template.attributes.indexOf(part.attribute)]);
    if (value.trim() !== '') any = true;
    out += value;
  }
  return any ? out.replace(/\s+/g, ' ').trim() : '';
};
/** Badges are short labels: a longer text is cut. */
const BADGE_MAX_LENGTH = 100;

const fillProfileUrl = (template: string, user: SiteUser) =>
  template.replace(/\{(id|username|documentId)\}/g, (_, key: 'id' | 'username' | 'documentId') =>
    encodeURIComponent(String(user[key] ?? ''))
  );

/** A badge field's value as the chat shows it: a number, or a non-empty text; nothing else. */
const badgeOf = (value: unknown): string | number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  // PostgreSQL answers bigint and decimal columns as text.
  const label = typeof value === 'bigint' ? String(value) : text(value);
  if (label === '') return undefined;
  // Cut by characters, not UTF-16 units (only a long label can need it).
  return label.length <= BADGE_MAX_LENGTH ? label : Array.from(label).slice(0, BADGE_MAX_LENGTH).join('');
};

/** Milliseconds from a number that may be seconds or milliseconds (1e11 s is the year 5138, 1e11 ms 1973). */
const msOf = (value: number) => (Math.abs(value) < 1e11 ? value * 1000 : value);

/**
 * A date, datetime or timestamp value as unix seconds, however the database answered it: a Date,
 * milliseconds or seconds, digits, an ISO date-time or a plain date (midnight UTC).
 */
export const unixSeconds = (value: unknown): number | undefined => {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = msOf(value);
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ms = msOf(Number(value));
  else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value.trim());
  else return undefined;
  const seconds = Math.floor(ms / 1000);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
};

type ChatIdentity = Pick<Required<ChatUser>, 'chat_role' | 'permissions'>;
/** What a blocked user is in the chat: nobody's admin, allowed nothing. */
const BLOCKED: ChatIdentity = Object.freeze({ chat_role: 'user', permissions: NO_PERMISSIONS });

/**
 * Each role's identity made once per role map (settings objects are replaced, never changed, on a
 * save), and shared by its users' objects: they are serialized, never changed.
 */
const identities = new WeakMap<RoleMap, Map<string, ChatIdentity>>();
const identityOf = (map: RoleMap, roleType: string | null | undefined): ChatIdentity => {
  let byRole = identities.get(map);
  if (!byRole) identities.set(map, (byRole = new Map()));
  const key = roleType ?? '';
  let identity = byRole.get(key);
  if (!identity) {
    if (byRole.size >= 1000) byRole.clear(); // role types come from the site's own roles: a handful
    const { chat_role, permissions } = chatIdentityOf(map, roleType);
    identity = Object.freeze({ chat_role, permissions: Object.freeze(permissions) });
    identityJson.set(identity.permissions, { chat_role, json: `"chat_role":${JSON.stringify(chat_role)},"permissions":${JSON.stringify(permissions)}` });
    byRole.set(key, identity);
  }
  return identity;
};

/** A shared identity's permissions object → its JSON, written once: ten booleans a user cost more to serialize than the rest of the object. */
const identityJson = new WeakMap<object, { chat_role: string; json: string }>([
  [BLOCKED.permissions, { chat_role: BLOCKED.chat_role, json: `"chat_role":"user","permissions":${JSON.stringify(NO_PERMISSIONS)}` }],
]);

/**
 * One user built by `toChatUser` as JSON, its shared identity written in as made once: what
 * `JSON.stringify` says, keys in another order (JSON readers ignore it). Undefined for a user that
 * is not such a user as built (a copy, which may hold other keys): it is serialized whole. Built
 * users are frozen, so the keys below are all they can hold besides `chat_role` and `permissions`,
 * with the values `toChatUser` gave them.
 */
const builtUserJson = (user: ChatUser, identity: string): string | undefined => {
  if (!Object.isFrozen(user)) return undefined;
  // user_id and name are always there; each of the others only when set, as JSON.stringify leaves out what is undefined.
  let out = `{"user_id":${JSON.stringify(user.user_id)},"name":${JSON.stringify(user.name)}`;
  if (user.avatar_url !== undefined) out += `,"avatar_url":${JSON.stringify(user.avatar_url)}`;
  if (user.profile_url !== undefined) out += `,"profile_url":${JSON.stringify(user.profile_url)}`;
  if (user.email !== undefined) out += `,"email":${JSON.stringify(user.email)}`;
  if (user.user_mail !== undefined) out += `,"user_mail":${JSON.stringify(user.user_mail)}`;
  if (user.badge !== undefined) out += `,"badge":${JSON.stringify(user.badge)}`;
  if (user.lastlogin !== undefined) out += `,"lastlogin":${JSON.stringify(user.lastlogin)}`;
  return `${out},${identity}}`;
};

/**
 * The JSON of a batch of chat users, as `JSON.stringify` gives it but with each shared identity's
 * JSON written in once rather than serialized again for every user: ten booleans a user cost more
 * to serialize than the rest of the object. Users that carry no shared identity (a hook's copies)
 * are serialized whole.
 */
export const chatUsersJson = (users: readonly ChatUser[]): string => {
  // Without chat roles (or after a hook, whose copies share nothing) there is nothing to write in.
  if (users.length === 0 || !users[0].permissions || !identityJson.has(users[0].permissions)) return JSON.stringify(users);
  // Joined once rather than concatenated: the answer is then one flat string, not a rope to flatten when it is sent.
  const parts = new Array<string>(users.length);
  for (let i = 0; i < users.length; i += 1) {
    const user = users[i];
    const known = user.permissions ? identityJson.get(user.permissions) : undefined;
    parts[i] = (known && known.chat_role === user.chat_role ? builtUserJson(user, known.json) : undefined) ?? JSON.stringify(user);
  }
  return `[${parts.join(',')}]`;
};

/** The later of the last-login field and the plugin's last-seen time. */
const lastLoginOf = (user: SiteUser): number | undefined => {
  const field = unixSeconds(user.lastLogin);
  const seen = user.lastSeen === null || user.lastSeen === undefined ? undefined : unixSeconds(Number(user.lastSeen) * 1000);
  return field === undefined ? seen : seen === undefined ? field : Math.max(field, seen);
};

/** The name the chat shows: the filled template, else the name field, else the username, else "User <id>". */
export const chatNameOf = (user: Pick<SiteUser, 'id' | 'name' | 'username' | 'nameValues'>, template?: NameTemplate | null): string =>
  (template ? fillName(template, user.nameValues) : '') || text(user.name) || text(user.username) || `User ${user.id}`;

/** The one function that shapes a user for the chat server: never a private field. */
export const toChatUser = (user: SiteUser, { settings, baseUrl, nameTemplate }: ChatUserContext): ChatUser => {
  const chatUser: ChatUser = {
    user_id: user.id,
    name: chatNameOf(user, nameTemplate),
  };
  const avatar = text(user.avatarUrl);
  if (avatar) chatUser.avatar_url = absoluteUrl(avatar, baseUrl);
  if (settings.profileUrlTemplate) chatUser.profile_url = fillProfileUrl(settings.profileUrlTemplate, user);
  if (settings.shareEmail && user.email) {
    chatUser.email = user.email;
    chatUser.user_mail = user.email;
  }
  if (settings.chatRoles) {
    // A blocked user still has a name in old dialogs, and may do nothing there; a blocked moderator is no chat admin.
    const identity = user.blocked ? BLOCKED : identityOf(settings.roleMap, user.roleType);
    chatUser.chat_role = identity.chat_role;
    chatUser.permissions = identity.permissions;
  }
  const badge = badgeOf(user.badge);
  if (badge !== undefined) chatUser.badge = badge;
  const lastlogin = lastLoginOf(user);
  if (lastlogin !== undefined) chatUser.lastlogin = lastlogin;
  // Frozen: chatUsersJson writes the keys and values above as they are, and nothing else.
  return Object.freeze(chatUser);
};
