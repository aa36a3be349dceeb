import { toChatUser, type ChatUserContext } from '../../server/src/utils/chat-user';
import type { SiteUser } from '../../server/src/repositories/site-users';
import { DEFAULT_SETTINGS } from '../../contract';

const context = (settings: Partial<ChatUserContext['settings']> = {}): ChatUserContext => ({
  settings: { ...DEFAULT_SETTINGS, ...settings },
  baseUrl: 'https://site.test',
});

// A row may carry more than the builder reads: nothing but what it chooses may come out.
const user: SiteUser & Record<string, unknown> = {
  id: 5,
  documentId: 'doc5',
  username: 'alice',
  email: 'alice@site.test',
  name: '  Alice L.  ',
  avatarUrl: '/uploads/a.png',
  password: '$2a$10$hash',
  resetPasswordToken: 'reset',
  confirmationToken: 'confirm',
};

describe('toChatUser', () => {
  it('gives user_id, name and avatar, and nothing private', () => {
    expect(toChatUser(user, context())).toEqual({ user_id: 5, name: 'Alice L.', avatar_url: 'https://site.test/uploads/a.png' });
  });

  it('reads the name field, trimmed, and falls back to the username, then to the id', () => {
    expect(toChatUser(user, context()).name).toBe('Alice L.');
    expect(toChatUser({ ...user, name: '   ' }, context()).name).toBe('alice');
    expect(toChatUser({ ...user, name: 42 }, context()).name).toBe('alice');
    expect(toChatUser({ id: 9, username: '', name: null }, context()).name).toBe('User 9');
  });

  it('makes a relative avatar absolute, keeps an absolute one, and leaves out none', () => {
    expect(toChatUser({ ...user, avatarUrl: 'uploads/b.png' }, context()).avatar_url).toBe('https://site.test/uploads/b.png');
    expect(toChatUser({ ...user, avatarUrl: 'https://cdn.test/a.png' }, context()).avatar_url).toBe('https://cdn.test/a.png');
    expect(toChatUser({ ...user, avatarUrl: null }, context())).not.toHaveProperty('avatar_url');
    expect(toChatUser({ ...user, avatarUrl: '  ' }, context())).not.toHaveProperty('avatar_url');
  });

  it('fills the profile URL template with encoded values', () => {
    const chatUser = toChatUser(
      { ...user, username: 'a b/c' },
      context({ profileUrlTemplate: 'https://site.test/u/{id}/{username}/{documentId}' })
    );
    expect(chatUser.profile_url).toBe('https://site.test/u/5/a%20b%2Fc/doc5');
  });

  it('shares the email under both names only when asked', () => {
    expect(toChatUser(user, context())).not.toHaveProperty('email');
    const shared = toChatUser(user, context({ shareEmail: true }));
    expect(shared.email).toBe('alice@site.test');
    expect(shared.user_mail).toBe('alice@site.test');
  });
});
