import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import {
  basic,
  configure,
  countQueries,
  createSiteUser,
  expectNoSecretsIn,
  insertSiteUsers,
  logFromNow,
  logged,
  settingsService,
  startStrapi,
  type TestApp,
} from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const LOGIN = 'chat';
const PASSWORD = 'friends-password-1';
const AUTH = basic(LOGIN, PASSWORD);

let app: TestApp;
let token: string;
let alice: { id: number };
let bob: { id: number };
let carol: { id: number };
let mallory: { id: number };
let loner: { id: number };

type ChatUsers = { user_id: number; name: string }[];
const friendsOf = (id: number | string, auth = AUTH) => app.http().get(`/api/imbachat/v1/user/friends/${id}`).set('Authorization', auth);
const usersById = (ids: number[]) => app.http().get(`/api/imbachat/v1/users/${ids.join(',')}`).set('Authorization', AUTH);
const idsOf = (body: ChatUsers) => body.map((user) => user.user_id);
const befriend = (id: number, friends: number[]) => app.strapi.db.query(USER_UID).update({ where: { id }, data: { friends } });
const hook = (fn: unknown) => app.strapi.config.set('plugin::imbachat.friendsOf', fn);
const putSettings = (body: object) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${token}`).send(body);

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
  alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell' });
  bob = await createSiteUser(app.strapi, { username: 'bob' });
  carol = await createSiteUser(app.strapi, { username: 'carol' });
  mallory = await createSiteUser(app.strapi, { username: 'mallory', blocked: true });
  loner = await createSiteUser(app.strapi, { username: 'loner' });
  await befriend(alice.id, [carol.id, bob.id, mallory.id]);
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
  }
});
restoreAfterEach(() => app, { config: ['plugin::imbachat.friendsOf', 'plugin::imbachat.extendUsers', 'plugin::imbachat.settingsCacheMs'] });

describe('GET /api/imbachat/v1/user/friends/:id', () => {
  it('asks for the chat server\'s Basic credentials, as every chat-server route does', async () => {
    await configure(app.strapi, { friendsField: 'friends' });
    const anonymous = await app.http().get(`/api/imbachat/v1/user/friends/${alice.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="ImbaChat"');
    expect(anonymous.body).toEqual({ code: 401, version: 1, error: 'Authenticate required!', debug: '' });
    const wrong = await friendsOf(alice.id, basic(LOGIN, 'wrong-password'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 401, version: 1, error: 'Authenticate required!', debug: '' });
  });

  it('answers [] while neither a friends field nor a friendsOf hook is set', async () => {
    const res = await friendsOf(alice.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual([]);
  });

  it('answers the friends field\'s users exactly as users by id does, blocked friends too, in the relation\'s order', async () => {
    await configure(app.strapi, { friendsField: 'friends', profileUrlTemplate: 'https://example.com/u/{username}' });
    const res = await friendsOf(alice.id);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([carol.id, bob.id, mallory.id]);
    expect(res.body).toEqual((await usersById([carol.id, bob.id, mallory.id])).body);
    expect(res.body[0]).toEqual({ user_id: carol.id, name: 'carol', profile_url: 'https://example.com/u/carol' });
    // The relation is one-way: alice is not in carol's friends unless carol lists her.
    expect((await friendsOf(carol.id)).body).toEqual([]);
  });

  it('answers [] for an unknown user, a user without friends, and an id that is no positive integer', async () => {
    await configure(app.strapi, { friendsField: 'friends' });
    for (const id of [999999, loner.id, 0, -1, 'abc', '1.5', '99999999999']) {
      const res = await friendsOf(id);
      expect([id, res.status, res.body]).toEqual([id, 200, []]);
    }
  });

  it('applies the extendUsers hook, with route "friends"', async () => {
    await configure(app.strapi, { friendsField: 'friends' });
    const routes: string[] = [];
    app.strapi.config.set('plugin::imbachat.extendUsers', (users: ChatUsers, { route }: { route: string }) => {
      routes.push(route);
      return users.map((user) => ({ ...user, level: 3 }));
    });
    const res = await friendsOf(alice.id);
    expect(res.body.map((user: { level?: number }) => user.level)).toEqual([3, 3, 3]);
    expect(routes).toEqual(['friends']);
  });

  it('reads the friend ids with one SQL query: what users by id costs, plus one', async () => {
    await configure(app.strapi, { friendsField: 'friends', avatarField: 'avatar' });
    app.strapi.config.set('plugin::imbachat.settingsCacheMs', 60_000);
    settingsService(app.strapi).invalidate();
    await friendsOf(alice.id).expect(200); // warm the settings cache
    const friends = await countQueries(app.strapi, () => friendsOf(alice.id).expect(200));
    const byId = await countQueries(app.strapi, () => usersById([carol.id, bob.id, mallory.id]).expect(200));
    expect(byId).toBeGreaterThan(0);
    expect(friends).toBe(byId + 1);
  });

  it('answers at most 1000 friends', async () => {
    const many = await insertSiteUsers(app.strapi, 1100, 'pal');
    const user = await createSiteUser(app.strapi, { username: 'popular' });
    const link = (app.strapi.db.metadata.get(USER_UID) as unknown as {
      attributes: { friends: { joinTable: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } } };
    }).attributes.friends.joinTable;
    const rows = many.map((id: number) => ({ [link.joinColumn.name]: user.id, [link.inverseJoinColumn.name]: id }));
    for (let i = 0; i < rows.length; i += 200) await app.strapi.db.connection(link.name).insert(rows.slice(i, i + 200));
    await configure(app.strapi, { friendsField: 'friends' });
    const res = await friendsOf(user.id);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1000);
    expect(idsOf(res.body)).toEqual(many.slice(0, 1000));
  });
});

describe('the friendsOf hook (config/plugins)', () => {
  it('takes ids (numbers or digit strings) or objects with id, wins over the field, and leaves the user out', async () => {
    await configure(app.strapi, { friendsField: 'friends' });
    const calls: number[] = [];
    hook((userId: number, { strapi }: { strapi: unknown }) => {
      calls.push(userId);
      expect(strapi).toBe(app.strapi);
      return [String(bob.id), { id: loner.id }, { user_id: carol.id }, bob.id, userId, 'junk', null, 999999];
    });
    const res = await friendsOf(alice.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual((await usersById([bob.id, loner.id, carol.id])).body);
    expect(calls).toEqual([alice.id]);
  });

  it('is not asked about an unknown user', async () => {
    const calls: number[] = [];
    hook((userId: number) => {
      calls.push(userId);
      return [alice.id];
    });
    expect((await friendsOf(999999)).body).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('answers [] and logs one line when the hook throws or answers junk', async () => {
    const read = logFromNow(app);
    hook(async () => {
      throw new Error('friends service down');
    });
    expect((await friendsOf(alice.id)).body).toEqual([]);
    expect((await friendsOf(alice.id)).body).toEqual([]);
    const log = await logged(read, 'friendsOf failed');
    expect(log.match(/\[imbachat\] config\/plugins imbachat\.config\.friendsOf failed: friends service down; the user's friends were answered \[\]/g)).toHaveLength(1);
    hook(() => ({ not: 'an array' }));
    expect((await friendsOf(alice.id)).body).toEqual([]);
    expect(await logged(read, 'friendsOf answered object')).toMatch(/friendsOf answered object instead of an array of user ids/);
  });

  it('answers [] and logs when the hook takes longer than 3 s', async () => {
    const read = logFromNow(app);
    let timer: NodeJS.Timeout | undefined;
    hook(() => new Promise((resolve) => (timer = setTimeout(() => resolve([bob.id]), 4000))));
    const started = Date.now();
    const res = await friendsOf(alice.id);
    clearTimeout(timer);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(Date.now() - started).toBeLessThan(3900);
    expect(await logged(read, 'friendsOf took longer')).toMatch(/friendsOf took longer than 3000 ms/);
  });

  it('is refused at start-up when it is no function', async () => {
    const { default: config } = await import('../../server/src/config');
    expect(() => config.validator({ friendsOf: 'friends' })).toThrow(/imbachat\.config\.friendsOf is invalid: .*must be a function/);
  });
});

describe('the friendsField setting', () => {
  it('is offered on the admin page: the user model\'s relations to users only', async () => {
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.data.friendsField).toBe('');
    expect(res.body.meta.userFields.friendsField).toEqual([{ name: 'friends', type: 'manyToMany' }]);
  });

  it('is refused with 400 naming the field when it is no relation of the user model to users', async () => {
    for (const field of ['username', 'role', 'nothing']) {
      const res = await putSettings({ friendsField: field });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('ValidationError');
      expect(res.body.error.message).toContain(`friendsField: "${field}" is not a relation of the user model to users`);
      expect(res.body.error.details.errors[0].path).toEqual(['friendsField']);
    }
    const res = await putSettings({ friendsField: 'friends' });
    expect(res.status).toBe(200);
    expect(res.body.data.friendsField).toBe('friends');
  });

  it('records the route\'s calls in the chat server\'s status', async () => {
    await configure(app.strapi, { friendsField: 'friends' });
    await friendsOf(alice.id).expect(200);
    await (app.strapi.plugin('imbachat').service('status') as { flush(): Promise<void> }).flush();
    const res = await app.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`);
    const friends = res.body.data.routes.find((route: { route: string }) => route.route === 'friends');
    expect(friends.lastCall).toEqual({ at: expect.any(String), status: 200, ip: expect.any(String) });
  });
});
