import { chatUserColumns, toChatUser, type ChatUserContext } from '../../server/src/utils/chat-user';
import { DEFAULT_SETTINGS } from '../../contract';

const context = (overrides: Partial<ChatUserContext> = {}, settings = {}): ChatUserContext => ({
  settings: { ...DEFAULT_SETTINGS, ...settings },
  fields: { name: 'username', avatar: null },
  baseUrl: 'https://site.test',
  ...overrides,
});

const row = {
  id: 5,
  documentId: 'doc5',
  username: 'alice',
  email: 'alice@site.test',
  password: '$2a$10$hash',
  resetPasswordToken: 'reset',
  confirmationToken: 'confirm',
  displayName: '  Alice L.  ',
  avatar: { url: '/uploads/a.png' },
};

describe('toChatUser', () => {
  it('gives user_id and name, and nothing private', () => {
    expect(toChatUser(row, context())).toEqual({ user_id: 5, name: 'alice' });
  });

  it('reads the name field, trimmed, and falls back to the username, then to the id', () => {
    const fields = { name: 'displayName', avatar: null };
    expect(toChatUser(row, context({ fields })).name).toBe('Alice L.');
    expect(toChatUser({ ...row, displayName: '   ' }, context({ fields })).name).toBe('alice');
    expect(toChatUser({ id: 9, username: '', displayName: null }, context({ fields })).name).toBe('User 9');
  });

  it('makes a media avatar absolute and keeps an absolute one', () => {
    const fields = { name: 'username', avatar: { field: 'avatar', kind: 'media' as const } };
    expect(toChatUser(row, context({ fields })).avatar_url).toBe('https://site.test/uploads/a.png');
    expect(toChatUser({ ...row, avatar: { url: 'https://cdn.test/a.png' } }, context({ fields })).avatar_url).toBe(
      'https://cdn.test/a.png'
    );
    expect(toChatUser({ ...row, avatar: null }, context({ fields }))).not.toHaveProperty('avatar_url');
  });

  it('uses a URL text field as it is', () => {
    const fields = { name: 'username', avatar: { field: 'photo', kind: 'url' as const } };
    expect(toChatUser({ ...row, photo: 'https://img.test/p.jpg' }, context({ fields })).avatar_url).toBe(
      'https://img.test/p.jpg'
    );
  });

  it('fills the profile URL template with encoded values', () => {
    const user = toChatUser(
      { ...row, username: 'a b/c' },
      context({}, { profileUrlTemplate: 'https://site.test/u/{id}/{username}/{documentId}' })
    );
    expect(user.profile_url).toBe('https://site.test/u/5/a%20b%2Fc/doc5');
  });

  it('shares the email under both names only when asked', () => {
    expect(toChatUser(row, context())).not.toHaveProperty('email');
    const shared = toChatUser(row, context({}, { shareEmail: true }));
    expect(shared.email).toBe('alice@site.test');
    expect(shared.user_mail).toBe('alice@site.test');
  });
});

describe('chatUserColumns', () => {
  it('selects only what the user object needs', () => {
    expect(chatUserColumns(context()).sort()).toEqual(['id', 'username']);
    const columns = chatUserColumns(
      context(
        { fields: { name: 'displayName', avatar: { field: 'photo', kind: 'url' } } },
        { shareEmail: true, profileUrlTemplate: 'https://x.test/{documentId}' }
      )
    );
    expect(columns.sort()).toEqual(['displayName', 'documentId', 'email', 'id', 'photo', 'username']);
  });

  it('leaves a media avatar out: it is populated, not selected', () => {
    const fields = { name: 'username', avatar: { field: 'avatar', kind: 'media' as const } };
    expect(chatUserColumns(context({ fields })).sort()).toEqual(['id', 'username']);
  });
});
