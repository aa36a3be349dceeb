import type { NameTemplatePart } from '../../contract';

/**
 * The shapes a site user travels in through the server: which attributes the settings resolve to
 * (services/user-fields.ts makes them), and the user as the one reader of the users table gives it
 * (repositories/site-users.ts). Types only, so every room can name them.
 */

/** The user model's attributes the settings resolve to, usable ones only. */
export interface UserAttributes {
  /** Attribute read as the user's `name`; `username` when the setting is unusable. */
  name: string;
  avatar: { field: string; kind: 'media' | 'url' } | null;
  /** Attribute sent as `badge`, when set and usable. */
  badge: string | null;
  /** Attribute sent as `lastlogin` (unix seconds), when set and usable. */
  lastLogin: string | null;
  /** The name template, when set and every attribute it names is usable; the name field when it fills to nothing. */
  nameTemplate: NameTemplate | null;
  /** The relation attribute read as the user's friends, when set and usable. */
  friends: string | null;
}

/** A parsed name template: `source` as saved, its parts, the attributes it names (each once, in order). */
export interface NameTemplate {
  source: string;
  parts: NameTemplatePart[];
  attributes: string[];
}

/** How the name is made: the field (fallback), and the template when there is one. What every reader of names takes. */
export type NameSource = Pick<UserAttributes, 'name' | 'nameTemplate'>;

/** A site user as the plugin reads it: the one shape every route's users arrive in. */
export interface SiteUser {
  id: number;
  username: string;
  documentId?: string;
  email?: string | null;
  /** The value of the name field (`nameField`), whatever its type. */
  name?: unknown;
  /** The values of the name template's attributes, in its order, when it has one. */
  nameValues?: unknown[];
  /** The avatar's URL as stored: a media file's `url`, or the text of a URL attribute. */
  avatarUrl?: string | null;
  blocked: boolean;
  /** The users-permissions role's `type`, when read (`chatRoles`). */
  roleType?: string | null;
  /** The values of the badge and last-login fields, whatever their type. */
  badge?: unknown;
  lastLogin?: unknown;
  /** When the user last fetched a chat token (unix seconds), when read (`trackLastSeen`). */
  lastSeen?: unknown;
  /** users-permissions' `confirmed`, when read (notifications: only confirmed addresses get mail). */
  confirmed?: boolean;
}
