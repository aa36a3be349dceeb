import Ajv from 'ajv';
import { CHAT_PERMISSIONS } from '../../contract';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import {
  basic,
  configure,
  countQueries,
  createSiteUser,
  expectNoSecretsIn,
  siteUserJwt,
  startStrapi,
  uploadImage,
  type TestApp,
} from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'chat-identity-password-1';
const SECRET = 'chat-identity-secret-key-1';
const AUTH = basic(LOGIN, PASSWORD);
const ROLE_UID = 'plugin::users-permissions.role';
const USER_UID = 'plugin::users-permissions.user';

const LAST_VISIT = '2026-11-20T10:00:00.000Z';
const MEMBER_SINCE = '2024-02-29';
const LAST_ACTIVE = '2026-11-21T08:30:00.000Z';
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

type ChatUser = Record<string, unknown> & { user_id: number; name: string };
type Permissions = Record<string, boolean>;

let app: TestApp;
let alice: { id: number };
let bob: { id: number };
let carol: { id: number };
let mallory: { id: number };
let adminJwt: string;

const get = (url: string) => app.http().get(url).set('Authorization', AUTH);
const usersById = async (...ids: number[]): Promise<ChatUser[]> => {
  const res = await get(`/api/imbachat/v1/users/${ids.join(',')}`);
  expect(res.status).toBe(200);
  return res.body;
};
const one = async (id: number) => (await usersById(id))[0];
const search = async (q: string): Promise<ChatUser[]> => {
  const res = await get(`/api/imbachat/v1/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.data;
};
const permissions = (changes: Permissions = {}): Permissions => ({
  ...Object.fromEntries(CHAT_PERMISSIONS.map((name) => [name, true])),
  ...changes,
});
const noPermissions = () => Object.fromEntries(CHAT_PERMISSIONS.map((name) => [name, false]));
const roleId = async (type: string) => ((await app.strapi.db.query(ROLE_UID).findOne({ where: { type } })) as { id: number }).id;
const adminPut = (body: unknown) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`).send(body as object);
const hook = (fn: unknown) => app.strapi.config.set('plugin::imbachat.extendUsers', fn);

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, secretKey: SECRET, widgetId: 'identity-widget' });
  const moderator = await app.strapi.db.query(ROLE_UID).create({ data: { name: 'Moderator', description: 'Keeps order', type: 'moderator' } });
  const avatar = await uploadImage(app.strapi);
  alice = await createSiteUser(app.strapi, {
    username: 'alice',
    displayName: 'Alice Liddell',
    avatar: avatar.id,
    ...({ badge: 'Founder', plan: 'pro', level: 7, lastVisit: LAST_VISIT, memberSince: MEMBER_SINCE, lastActive: LAST_ACTIVE } as object),
  });
  bob = await createSiteUser(app.strapi, { username: 'bob', ...({ role: moderator.id, plan: 'free', level: 0 } as object) });
  carol = await createSiteUser(app.strapi, { username: 'carol' });
  mallory = await createSiteUser(app.strapi, { username: 'mallory', blocked: true, ...({ role: moderator.id, badge: 'Spammer' } as object) });
  adminJwt = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, SECRET]);
  } finally {
    await app?.close();
  }
});
restoreAfterEach(() => app, { config: ['plugin::imbachat.extendUsers'] });

describe('chat roles and permissions from users-permissions roles', () => {
  const ROLE_MAP = {
    authenticated: { chat_role: 'user', permissions: { video_calls: false, send_files: false } },
    moderator: { chat_role: 'admin' },
  };

  it('leaves user objects as they were while chatRoles is off, whatever the map says', async () => {
    await configure(app.strapi, { roleMap: ROLE_MAP });
    for (const user of await usersById(alice.id, bob.id)) {
      expect(user).not.toHaveProperty('chat_role');
      expect(user).not.toHaveProperty('permissions');
    }
  });

  it("gives each user their role's chat role and all ten permissions, by id and in search", async () => {
    await configure(app.strapi, { chatRoles: true, roleMap: ROLE_MAP });
    const [a, b] = await usersById(alice.id, bob.id);
    expect(a).toEqual({ user_id: alice.id, name: 'alice', chat_role: 'user', permissions: permissions({ video_calls: false, send_files: false }) });
    expect(b).toEqual({ user_id: bob.id, name: 'bob', chat_role: 'admin', permissions: permissions() });
    expect(Object.keys(a.permissions as object)).toHaveLength(10);
    expect(await search('bob')).toEqual([b]);
    expect(await search('alice')).toEqual([a]);
  });

  it.each(CHAT_PERMISSIONS.map((name) => [name]))('sends %s as the map says, for each role alone', async (name) => {
    await configure(app.strapi, { chatRoles: true, roleMap: { moderator: { chat_role: 'user', permissions: { [name]: false } } } });
    const [a, b] = await usersById(alice.id, bob.id);
    expect(b.permissions).toEqual(permissions({ [name]: false }));
    expect(a.permissions).toEqual(permissions());
  });

  it('gives a role missing from the map `user` and every permission, and follows a role created after start-up once mapped', async () => {
    await configure(app.strapi, { chatRoles: true, roleMap: { moderator: { chat_role: 'admin' } } });
    const vip = await app.strapi.db.query(ROLE_UID).create({ data: { name: 'VIP', description: 'Paid', type: 'vip' } });
    await app.strapi.db.query(USER_UID).update({ where: { id: carol.id }, data: { role: vip.id } });
    try {
      expect(await one(carol.id)).toMatchObject({ chat_role: 'user', permissions: permissions() });
      // The settings page lists it at once, and a save through the admin API maps it.
      const listed = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`);
      expect(listed.body.meta.roles.map((role: { type: string }) => role.type)).toContain('vip');
      const saved = await adminPut({ roleMap: { vip: { chat_role: 'admin', permissions: { audio_calls: false } } } });
      expect(saved.status).toBe(200);
      expect(await one(carol.id)).toMatchObject({ chat_role: 'admin', permissions: permissions({ audio_calls: false }) });
    } finally {
      await app.strapi.db.query(USER_UID).update({ where: { id: carol.id }, data: { role: await roleId('authenticated') } });
      await app.strapi.db.query(ROLE_UID).delete({ where: { id: vip.id } });
    }
  });

  it('maps a role whose type is not Latin (users-permissions keeps the letters of its name)', async () => {
    await app.strapi.plugin('users-permissions').service('role').createRole({ name: 'Модератор чата', description: '', permissions: {} });
    const created = (await app.strapi.db.query(ROLE_UID).findOne({ where: { name: 'Модератор чата' } })) as { id: number; type: string };
    expect(created.type).toBe('модератор_чата');
    await app.strapi.db.query(USER_UID).update({ where: { id: carol.id }, data: { role: created.id } });
    try {
      expect((await adminPut({ chatRoles: true, roleMap: { [created.type]: { chat_role: 'admin' } } })).status).toBe(200);
      expect(await one(carol.id)).toMatchObject({ chat_role: 'admin', permissions: permissions() });
    } finally {
      await app.strapi.db.query(USER_UID).update({ where: { id: carol.id }, data: { role: await roleId('authenticated') } });
      await app.strapi.db.query(ROLE_UID).delete({ where: { id: created.id } });
    }
  });

  it('breaks nothing when a mapped role is deleted or renamed in Strapi, or a user has no role', async () => {
    await configure(app.strapi, { chatRoles: true, roleMap: { ghost: { chat_role: 'admin' }, moderator: { chat_role: 'admin' } } });
    const lonely = await app.strapi.db.query(USER_UID).create({ data: { username: 'lonely', email: 'lonely@example.test', provider: 'local', confirmed: true } });
    const moderator = await roleId('moderator');
    await app.strapi.db.query(ROLE_UID).update({ where: { id: moderator }, data: { type: 'moderator_renamed' } });
    try {
      const [b, l] = await usersById(bob.id, lonely.id);
      expect(b).toMatchObject({ chat_role: 'user', permissions: permissions() });
      expect(l).toEqual({ user_id: lonely.id, name: 'lonely', chat_role: 'user', permissions: permissions() });
      // The page still loads, with the map's unknown types kept for the admin to see and remove.
      const listed = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`);
      expect(listed.status).toBe(200);
      expect(Object.keys(listed.body.data.roleMap).sort()).toEqual(['ghost', 'moderator']);
    } finally {
      await app.strapi.db.query(ROLE_UID).update({ where: { id: moderator }, data: { type: 'moderator' } });
      await app.strapi.db.query(USER_UID).delete({ where: { id: lonely.id } });
    }
  });

  it('refuses a map that is not one, naming the setting and never echoing it', async () => {
    const cases: unknown[] = [
      [],
      'moderator',
      { moderator: { chat_role: 'owner' } },
      { moderator: { permissions: { fly: true } } },
      { moderator: { permissions: { send_files: 'no' } } },
      { moderator: { chat_role: 'admin', extra: 1 } },
      { 'bad type!': {} },
      { constructor: { chat_role: 'admin' } },
    ];
    for (const roleMap of cases) {
      const res = await adminPut({ roleMap });
      expect({ roleMap, status: res.status }).toEqual({ roleMap, status: 400 });
      expect({ roleMap, path: res.body.error.details?.errors?.[0]?.path }).toEqual({ roleMap, path: ['roleMap'] });
    }
    // Strapi's body parser refuses a `__proto__` key before the plugin sees it.
    expect((await adminPut(JSON.parse('{"roleMap": {"__proto__": {"chat_role": "admin"}}}'))).status).toBe(400);
    expect((await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`)).body.data.roleMap).toEqual({});
  });
});

describe('blocked users in old dialogs', () => {
  it('answers a blocked user by id with every permission off (and no chat admin), and never in search', async () => {
    await configure(app.strapi, { chatRoles: true, roleMap: { moderator: { chat_role: 'admin' } }, badgeField: 'badge' });
    const [m, b] = await usersById(mallory.id, bob.id);
    expect(m).toEqual({ user_id: mallory.id, name: 'mallory', chat_role: 'user', permissions: noPermissions(), badge: 'Spammer' });
    expect(b.chat_role).toBe('admin');
    expect(await search('mallory')).toEqual([]);
    await configure(app.strapi, { searchMode: 'exact' });
    expect(await search('MALLORY')).toEqual([]);
  });

  it('still refuses a blocked user a login check and a chat token', async () => {
    const login = await app.http().post('/api/imbachat/v1/auth_users').set('Authorization', AUTH).send({ login: 'mallory', password: 'Secret-pass-1' });
    expect(login.status).toBe(403);
    const token = await app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${await siteUserJwt(app.strapi, mallory.id)}`);
    expect([401, 403]).toContain(token.status);
  });
});

describe('badge and lastlogin from fields of the user model', () => {
  it.each([
    ['badge', 'a string', 'Founder'],
    ['plan', 'an enumeration', 'pro'],
    ['level', 'an integer', 7],
  ])('sends %s (%s) as badge, and nothing for a user without a value', async (field, _kind, expected) => {
    await configure(app.strapi, { badgeField: field });
    const [a, c] = await usersById(alice.id, carol.id);
    expect(a.badge).toEqual(expected);
    expect(c).not.toHaveProperty('badge');
  });

  it('sends a zero as a badge', async () => {
    await configure(app.strapi, { badgeField: 'level' });
    expect((await one(bob.id)).badge).toBe(0);
  });

  it.each([
    ['lastVisit', 'a datetime', seconds(LAST_VISIT)],
    ['memberSince', 'a date', seconds(`${MEMBER_SINCE}T00:00:00.000Z`)],
    ['lastActive', 'a timestamp', seconds(LAST_ACTIVE)],
  ])('sends %s (%s) as lastlogin in unix seconds', async (field, _kind, expected) => {
    await configure(app.strapi, { lastLoginField: field });
    const [a, c] = await usersById(alice.id, carol.id);
    expect(a.lastlogin).toBe(expected);
    expect(c).not.toHaveProperty('lastlogin');
  });

  it('refuses fields of the wrong kind or private ones, by name', async () => {
    for (const [key, value] of [
      ['badgeField', 'lastVisit'],
      ['badgeField', 'password'],
      ['badgeField', 'avatar'],
      ['lastLoginField', 'badge'],
      ['lastLoginField', 'createdAt'],
      ['lastLoginField', 'nope'],
    ]) {
      const res = await adminPut({ [key]: value });
      expect({ key, value, status: res.status }).toEqual({ key, value, status: 400 });
      expect(res.body.error.details.errors[0].path).toEqual([key]);
    }
  });
});

describe('trackLastSeen', () => {
  const tokenFor = async (id: number) => {
    const res = await app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${await siteUserJwt(app.strapi, id)}`);
    expect(res.status).toBe(200);
  };
  const seenRow = async (id: number) =>
    (await app.strapi.db.connection('imbachat_last_seen').where({ user_id: id }).first()) as { seen_at: number | string } | undefined;
  const waitForRow = async (id: number) => {
    for (let i = 0; i < 100; i += 1) {
      const row = await seenRow(id);
      if (row) return Number(row.seen_at);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no last-seen row for user ${id}`);
  };
  const lastSeenWrites = async (work: () => Promise<unknown>) => {
    let writes = 0;
    const listener = (query: { sql: string }) => {
      if (query.sql.includes('imbachat_last_seen') && /insert/i.test(query.sql)) writes += 1;
    };
    app.strapi.db.connection.on('query', listener);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 200)); // the write follows the answer
    } finally {
      app.strapi.db.connection.removeListener('query', listener);
    }
    return writes;
  };

  it('records nothing while off', async () => {
    expect(await lastSeenWrites(() => tokenFor(carol.id))).toBe(0);
    expect(await seenRow(carol.id)).toBeUndefined();
  });

  it('records when a user fetches a chat token and sends it as lastlogin; the later of it and lastLoginField', async () => {
    await configure(app.strapi, { trackLastSeen: true });
    const before = Math.floor(Date.now() / 1000);
    await tokenFor(alice.id);
    const seen = await waitForRow(alice.id);
    expect(seen).toBeGreaterThanOrEqual(before);
    expect(seen).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect((await one(alice.id)).lastlogin).toBe(seen);
    await configure(app.strapi, { lastLoginField: 'lastVisit' }); // 2026-11-20: older than now
    expect((await one(alice.id)).lastlogin).toBe(Math.max(seen, seconds(LAST_VISIT)));
    // Users who never fetched a token have no lastlogin.
    expect(await one(bob.id)).not.toHaveProperty('lastlogin');
  });

  it('writes at most once per user in five minutes', async () => {
    await configure(app.strapi, { trackLastSeen: true });
    const fresh = await createSiteUser(app.strapi, { username: 'frequent' });
    expect(await lastSeenWrites(async () => {
      for (let i = 0; i < 5; i += 1) await tokenFor(fresh.id);
    })).toBe(1);
    // The database keeps the rule too, for several instances, on its own clock: another instance (here:
    // this one with its memory past five minutes) may try, and a time less than 5 minutes old stays.
    const service = app.strapi.plugin('imbachat').service('lastSeen');
    const stored = await waitForRow(fresh.id);
    expect(await lastSeenWrites(async () => service.record(fresh.id, Date.now() + 301_000))).toBe(1);
    expect(await waitForRow(fresh.id)).toBe(stored);
    // Five minutes later by the database's clock (the stored time moved back), the next one is written: now.
    await app.strapi.db.connection('imbachat_last_seen').where({ user_id: fresh.id }).update({ seen_at: stored - 301 });
    expect(await lastSeenWrites(async () => service.record(fresh.id, Date.now() + 602_000))).toBe(1);
    expect(await waitForRow(fresh.id)).toBeGreaterThanOrEqual(stored);
  });

  it('keeps the token route answering when the write fails, and says so in the log', async () => {
    await configure(app.strapi, { trackLastSeen: true });
    const user = await createSiteUser(app.strapi, { username: 'unlucky' });
    await app.strapi.db.connection.schema.renameTable('imbachat_last_seen', 'imbachat_last_seen_away');
    try {
      await tokenFor(user.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await app.strapi.db.connection.schema.renameTable('imbachat_last_seen_away', 'imbachat_last_seen');
    }
    const fs = await import('node:fs');
    expect(fs.readFileSync(app.logFile, 'utf8')).toMatch(/Could not record when a user was last seen/);
  });
});

describe('the extendUsers hook (config/plugins)', () => {
  const logged = async () => (await import('node:fs')).readFileSync(app.logFile, 'utf8');

  it("builds the guide's profiles map with the playground's hook, with one read for the whole batch", async () => {
    const profiles = app.strapi.db.query('api::profile.profile');
    const shop = await profiles.create({ data: { name: 'Alice’s shop', avatarUrl: 'https://example.com/shop.png', owner: alice.id } });
    const team = await profiles.create({ data: { name: 'Team A', owner: alice.id } });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      hook(require('../../playground/src/extend-users'));
      const [a, b] = await usersById(alice.id, bob.id);
      expect(a.profiles).toEqual({
        [shop.id]: { user_id: `P${shop.id}-${alice.id}`, name: 'Alice’s shop', avatar_url: 'https://example.com/shop.png' },
        [team.id]: { user_id: `P${team.id}-${alice.id}`, name: 'Team A' },
      });
      expect(b).not.toHaveProperty('profiles');
      const ids = [alice.id, bob.id, carol.id, mallory.id];
      const counts = [await countQueries(app.strapi, () => usersById(alice.id)), await countQueries(app.strapi, () => usersById(...ids))];
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBe(counts[0]);
    } finally {
      await profiles.deleteMany({ where: { id: { $in: [shop.id, team.id] } } });
    }
  });

  it('is called once per request with the batch and { strapi, route }, and sees no secret', async () => {
    const calls: { users: ChatUser[]; keys: string[]; route: unknown }[] = [];
    hook(async (users: ChatUser[], context: Record<string, unknown>) => {
      calls.push({ users, keys: Object.keys(context).sort(), route: context.route });
      return users.map((user) => ({ ...user, extra: `x${user.user_id}` }));
    });
    const users = await usersById(alice.id, bob.id);
    expect(users.map((user) => user.extra)).toEqual([`x${alice.id}`, `x${bob.id}`]);
    expect((await search('alice'))[0].extra).toBe(`x${alice.id}`);
    expect(calls.map((call) => [call.route, call.users.map((user) => user.user_id), call.keys])).toEqual([
      ['users', [alice.id, bob.id], ['route', 'strapi']],
      ['search', [alice.id], ['route', 'strapi']],
    ]);
    expect(JSON.stringify(calls.map((call) => call.users))).not.toMatch(new RegExp(`${PASSWORD}|${SECRET}`));
  });

  it('cannot change or remove user_id and name, and leaves users it skips as they were', async () => {
    hook((users: ChatUser[]) => [{ ...users[0], name: 'Hijacked', badge: 'VIP' }]);
    const [a, b] = await usersById(alice.id, bob.id);
    expect(a).toMatchObject({ user_id: alice.id, name: 'alice', badge: 'VIP' });
    expect(b).toEqual({ user_id: bob.id, name: 'bob' });
  });

  /** A hook that changes the users' ids on its first call and drops them on the next ones. */
  function changesThenDropsIds() {
    let calls = 0;
    return (users: ChatUser[]) =>
      (calls += 1) === 1 ? users.map((user) => ({ ...user, user_id: user.user_id + 1000 })) : users.map(({ user_id: _id, ...user }) => user);
  }

  it.each([
    ['throws', () => Promise.reject(new Error('profiles table is gone')), /extendUsers failed: profiles table is gone/, 1],
    ['answers nothing', () => undefined, /extendUsers answered nothing instead of the array of users/, 1],
    ['answers a string', () => 'oops', /extendUsers answered string instead/, 1],
    // One case for both (the limiter keys on the kind of trouble): changed ids, then dropped ones within the minute, logged once.
    ['changes a user_id, then drops it', changesThenDropsIds(), /not in the batch/, 1],
    ['answers a BigInt', (users: ChatUser[]) => users.map((user) => ({ ...user, big: BigInt(1) })), /cannot be sent as JSON/, 1],
    ['answers a user twice', (users: ChatUser[]) => [...users, ...users], /twice/, 1],
    ['answers a Date for a user', (users: ChatUser[]) => [new Date(), ...users.slice(1)], /not a plain object/, 1],
  ])('answers without it when it %s, and logs it at most once a minute', async (_what, fn, message, times) => {
    const before = (await logged()).length;
    hook(fn);
    for (let i = 0; i < 3; i += 1) {
      expect(await usersById(alice.id, bob.id)).toEqual([
        { user_id: alice.id, name: 'alice' },
        { user_id: bob.id, name: 'bob' },
      ]);
    }
    // Strapi writes its file log asynchronously (later still on a busy machine): wait for this case's
    // line, then a little longer for any other, so none lands in the next case's window.
    const ours = async () => (await logged()).slice(before).split('\n').filter((line) => line.includes('extendUsers'));
    for (const started = Date.now(); (await ours()).length < times && Date.now() - started < 5000; ) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = await ours();
    expect(lines).toHaveLength(times);
    for (const line of lines) expect(line).toMatch(message);
  });

  it('answers without a hook that takes longer than 3 seconds', async () => {
    hook(() => new Promise((resolve) => setTimeout(() => resolve([]), 10_000).unref()));
    const started = Date.now();
    expect(await usersById(alice.id)).toEqual([{ user_id: alice.id, name: 'alice' }]);
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

describe('the user object against the shape ImbaChat reads', () => {
  const SCHEMA = {
    type: 'object',
    required: ['user_id', 'name'],
    properties: {
      user_id: { type: 'integer', minimum: 1 },
      name: { type: 'string', minLength: 1 },
      avatar_url: { type: 'string', pattern: '^https?://' },
      profile_url: { type: 'string', pattern: '^https?://' },
      email: { type: 'string' },
      user_mail: { type: 'string' },
      chat_role: { enum: ['admin', 'user'] },
      permissions: {
        type: 'object',
        required: [...CHAT_PERMISSIONS],
        additionalProperties: false,
        properties: Object.fromEntries(CHAT_PERMISSIONS.map((name) => [name, { type: 'boolean' }])),
      },
      lastlogin: { type: 'integer', minimum: 1 },
      badge: { type: ['string', 'number'] },
      profiles: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['user_id', 'name'],
          properties: { user_id: { type: ['string', 'integer'] }, name: { type: 'string' }, avatar_url: { type: 'string' } },
        },
      },
    },
    additionalProperties: false,
  };

  it('validates every user, blocked ones included, with every option on', async () => {
    await configure(app.strapi, {
      chatRoles: true,
      roleMap: { moderator: { chat_role: 'admin', permissions: { video_calls: false } } },
      nameField: 'displayName',
      avatarField: 'avatar',
      profileUrlTemplate: 'https://example.com/members/{id}/',
      shareEmail: true,
      badgeField: 'plan',
      lastLoginField: 'lastVisit',
      trackLastSeen: true,
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hook(require('../../playground/src/extend-users'));
    const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
    const users = await usersById(alice.id, bob.id, carol.id, mallory.id);
    expect(users).toHaveLength(4);
    for (const user of users) expect({ user, errors: validate(user) ? null : validate.errors }).toEqual({ user, errors: null });
    // The schema can fail: a user object of the wrong shape is refused.
    expect(validate({ user_id: 1, name: 'x', permissions: { send_message: true } })).toBe(false);
  });

  it('costs no more SQL with chat roles, badge, lastlogin and last seen on (one query for the users, one for media avatars)', async () => {
    const ask = (ids: number[]) => () => usersById(...ids);
    const ids = [alice.id, bob.id, carol.id, mallory.id];
    await usersById(alice.id); // settings read once
    const plain = await countQueries(app.strapi, ask(ids));
    expect(plain).toBeGreaterThan(0);
    await configure(app.strapi, { chatRoles: true, badgeField: 'plan', lastLoginField: 'lastVisit', trackLastSeen: true });
    await usersById(alice.id); // settings read once
    const withAll = [await countQueries(app.strapi, ask(ids.slice(0, 1))), await countQueries(app.strapi, ask(ids))];
    expect(withAll).toEqual([plain, plain]);
    await configure(app.strapi, { avatarField: 'avatar' });
    await usersById(alice.id);
    expect(await countQueries(app.strapi, ask(ids))).toBe(plain + 1);
  });
});
