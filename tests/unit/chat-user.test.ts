import { chatUsersJson, toChatUser, unixSeconds, type ChatUserContext } from '../../server/src/utils/chat-user';
import type { SiteUser } from '../../server/src/site-user';
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
  blocked: false,
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
    expect(toChatUser({ id: 9, username: '', name: null, blocked: false }, context()).name).toBe('User 9');
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

describe('toChatUser: chat identity', () => {
  const all = (value: boolean) => ({
    send_message: value,
    send_sketchboard: value,
    send_files: value,
    send_geo: value,
    audio_calls: value,
    video_calls: value,
    audio_message: value,
    video_message: value,
    audio_message_enable: value,
    available_chat: value,
  });

  it('adds chat_role and permissions only with chatRoles', () => {
    const map = { moderator: { chat_role: 'admin' as const, permissions: { video_calls: false } } };
    expect(toChatUser({ ...user, roleType: 'moderator' }, context({ roleMap: map }))).not.toHaveProperty('permissions');
    expect(toChatUser({ ...user, roleType: 'moderator' }, context({ chatRoles: true, roleMap: map }))).toMatchObject({
      chat_role: 'admin',
      permissions: { ...all(true), video_calls: false },
    });
    // A role the map does not name, none at all, or a name of Object.prototype's: user, all granted.
    for (const roleType of ['authenticated', null, undefined, 'constructor', '__proto__', 'toString']) {
      expect(toChatUser({ ...user, roleType }, context({ chatRoles: true, roleMap: map }))).toMatchObject({ chat_role: 'user', permissions: all(true) });
    }
  });

  it('gives a blocked user every permission off and no chat admin role', () => {
    const map = { moderator: { chat_role: 'admin' as const } };
    expect(toChatUser({ ...user, blocked: true, roleType: 'moderator' }, context({ chatRoles: true, roleMap: map }))).toMatchObject({
      chat_role: 'user',
      permissions: all(false),
    });
  });

  it('sends a badge as a number or a non-empty text, cut to 100 characters', () => {
    expect(toChatUser({ ...user, badge: 0 }, context()).badge).toBe(0);
    expect(toChatUser({ ...user, badge: ' Gold ' }, context()).badge).toBe('Gold');
    expect(toChatUser({ ...user, badge: '12.50' }, context()).badge).toBe('12.50');
    expect(toChatUser({ ...user, badge: '😀'.repeat(150) }, context()).badge).toBe('😀'.repeat(100));
    for (const badge of [null, undefined, '', '   ', Number.NaN, Infinity, { a: 1 }, ['x'], true]) {
      expect(toChatUser({ ...user, badge }, context())).not.toHaveProperty('badge');
    }
  });

  it('sends the later of the last-login field and the last-seen time', () => {
    expect(toChatUser({ ...user, lastLogin: new Date('2026-01-01T00:00:00Z'), lastSeen: 1700000000 }, context()).lastlogin).toBe(1767225600);
    expect(toChatUser({ ...user, lastLogin: null, lastSeen: '1700000000' }, context()).lastlogin).toBe(1700000000);
    expect(toChatUser({ ...user, lastLogin: null, lastSeen: null }, context())).not.toHaveProperty('lastlogin');
  });
});

describe('unixSeconds', () => {
  it.each([
    [new Date('2026-11-20T10:00:00.000Z'), 1795168800],
    [1795168800123, 1795168800],
    [1795168800, 1795168800],
    ['1795168800123', 1795168800],
    ['2026-11-20T10:00:00.000Z', 1795168800],
    ['2026-11-20 10:00:00+00', 1795168800],
    ['2026-11-20', 1795132800],
  ])('reads %p', (value, expected) => {
    expect(unixSeconds(value)).toBe(expected);
  });

  it.each([[null], [undefined], [''], ['soon'], [new Date('nope')], [0], [-5], [{}]])('refuses %p', (value) => {
    expect(unixSeconds(value)).toBeUndefined();
  });
});

describe('chatUsersJson', () => {
  const map = { moderator: { chat_role: 'admin' as const, permissions: { video_calls: false } } };
  const withRoles = context({ chatRoles: true, roleMap: map, shareEmail: true, profileUrlTemplate: 'https://x.test/{username}' });

  it('says what JSON.stringify says, whatever the users carry', () => {
    const users = [
      toChatUser({ ...user, roleType: 'moderator', badge: 'Gold "quoted"', lastLogin: 1700000000 }, withRoles),
      toChatUser({ ...user, id: 6, roleType: 'authenticated' }, withRoles),
      toChatUser({ ...user, id: 7, blocked: true, roleType: 'moderator' }, withRoles),
      toChatUser({ ...user, id: 8 }, context()),
      // A hook's copy (no shared identity), and one whose chat_role was changed after it was built.
      JSON.parse(JSON.stringify(toChatUser({ ...user, id: 9, roleType: 'moderator' }, withRoles))),
      { ...toChatUser({ ...user, id: 10, roleType: 'moderator' }, withRoles), chat_role: 'user' as const },
      { ...toChatUser({ ...user, id: 11 }, withRoles), profiles: { 3: { user_id: 'P3', name: 'Shop' } } },
    ];
    expect(JSON.parse(chatUsersJson(users))).toEqual(JSON.parse(JSON.stringify(users)));
    expect(chatUsersJson([])).toBe('[]');
  });

  it('writes a built user with every field by hand, identity last, as JSON.stringify would say it', () => {
    const everything = toChatUser(
      { ...user, name: 'Zoë "Z" \\ <b>', roleType: 'moderator', badge: 12.5, lastLogin: 1700000000, lastSeen: 1700000100 },
      withRoles
    );
    expect(Object.keys(everything).sort()).toEqual(
      ['avatar_url', 'badge', 'chat_role', 'email', 'lastlogin', 'name', 'permissions', 'profile_url', 'user_id', 'user_mail'].sort()
    );
    const json = chatUsersJson([everything]);
    // The hand-written path puts the shared identity last; JSON.stringify would have put it before badge.
    expect(json).toMatch(/"lastlogin":1700000100,"chat_role":"admin","permissions":\{[^}]+\}\}\]$/);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify([everything])));
  });

  it('freezes built users, so none can take a key the hand-written path would leave out', () => {
    const built = toChatUser({ ...user, roleType: 'moderator' }, withRoles) as Record<string, unknown>;
    expect(() => {
      built.profiles = {};
    }).toThrow(TypeError);
    expect(() => {
      built.name = 'Changed';
    }).toThrow(TypeError);
  });

  it('writes each shared identity in once, not as a serialization of the object', () => {
    const moderator = toChatUser({ ...user, roleType: 'moderator' }, withRoles);
    expect(chatUsersJson([moderator])).toContain(
      '"chat_role":"admin","permissions":{"send_message":true,"send_sketchboard":true,"send_files":true,"send_geo":true,"audio_calls":true,"video_calls":false'
    );
  });
});
