import type { Settings } from '../../../contract';
import type { UserFieldPlan } from '../services/user-fields';
import { absoluteUrl } from './public-url';

/** A user as ImbaChat's chat server reads it. */
export interface ChatUser {
  user_id: number;
  name: string;
  avatar_url?: string;
  profile_url?: string;
  email?: string;
  user_mail?: string;
}

/** The columns of a user row that toChatUser reads. */
export interface UserRow {
  id: number;
  documentId?: string;
  username?: string | null;
  email?: string | null;
  [field: string]: unknown;
}

export interface ChatUserContext {
  settings: Settings;
  fields: UserFieldPlan;
  baseUrl: string;
}

/** The columns to select for toChatUser (media avatars are populated separately). */
export const chatUserColumns = ({ settings, fields }: Omit<ChatUserContext, 'baseUrl'>): string[] => {
  const columns = new Set(['id', 'username']);
  columns.add(fields.name);
  if (settings.profileUrlTemplate.includes('{documentId}')) columns.add('documentId');
  if (settings.shareEmail) columns.add('email');
  if (fields.avatar?.kind === 'url') columns.add(fields.avatar.field);
  return [...columns];
};

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const fillProfileUrl = (template: string, row: UserRow) =>
  template.replace(/\{(id|username|documentId)\}/g, (_, key: string) =>
    encodeURIComponent(String(row[key] ?? ''))
  );

const avatarOf = (row: UserRow, { fields, baseUrl }: ChatUserContext): string | undefined => {
  if (!fields.avatar) return undefined;
  const value = row[fields.avatar.field];
  const url = fields.avatar.kind === 'media' ? text((value as { url?: unknown } | null)?.url) : text(value);
  return url ? absoluteUrl(url, baseUrl) : undefined;
};

/** The one function that shapes a user for the chat server: never a private field. */
export const toChatUser = (row: UserRow, context: ChatUserContext): ChatUser => {
  const { settings, fields } = context;
  const user: ChatUser = {
    user_id: row.id,
    name: text(row[fields.name]) || text(row.username) || `User ${row.id}`,
  };
  const avatar = avatarOf(row, context);
  if (avatar) user.avatar_url = avatar;
  if (settings.profileUrlTemplate) user.profile_url = fillProfileUrl(settings.profileUrlTemplate, row);
  if (settings.shareEmail && row.email) {
    user.email = row.email;
    user.user_mail = row.email;
  }
  return user;
};
