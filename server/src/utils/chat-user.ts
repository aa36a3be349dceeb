import type { Settings } from '../../../contract';
import type { SiteUser } from '../repositories/site-users';
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

export interface ChatUserContext {
  settings: Pick<Settings, 'profileUrlTemplate' | 'shareEmail'>;
  /** Where relative media URLs live: the site's public address. */
  baseUrl: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const fillProfileUrl = (template: string, user: SiteUser) =>
  template.replace(/\{(id|username|documentId)\}/g, (_, key: 'id' | 'username' | 'documentId') =>
    encodeURIComponent(String(user[key] ?? ''))
  );

/** The one function that shapes a user for the chat server: never a private field. */
export const toChatUser = (user: SiteUser, { settings, baseUrl }: ChatUserContext): ChatUser => {
  const chatUser: ChatUser = {
    user_id: user.id,
    name: text(user.name) || text(user.username) || `User ${user.id}`,
  };
  const avatar = text(user.avatarUrl);
  if (avatar) chatUser.avatar_url = absoluteUrl(avatar, baseUrl);
  if (settings.profileUrlTemplate) chatUser.profile_url = fillProfileUrl(settings.profileUrlTemplate, user);
  if (settings.shareEmail && user.email) {
    chatUser.email = user.email;
    chatUser.user_mail = user.email;
  }
  return chatUser;
};
