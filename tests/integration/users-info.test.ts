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
  uploadImage,
  type TestApp,
} from '../helpers/strapi';

const LOGIN = 'chat';
const PASSWORD = 'users-info-password-1';
const SECRET = 'users-info-secret-key-1';
const AUTH = basic(LOGIN, PASSWORD);

let app: TestApp;
let alice: { id: number; documentId: string };
let bob: { id: number };
let blocked: { id: number };
let avatarUrl: string;

const get = (url: string) => app.http().get(url).set('Authorization', AUTH);
const idsOf = (body: { user_id: number }[]) => body.map((user) => user.user_id);

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, secretKey: SECRET });
  const avatar = await uploadImage(app.strapi);
  avatarUrl = avatar.url;
  alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell', avatar: avatar.id });
  bob = await createSiteUser(app.strapi, { username: 'bob' });
  blocked = await createSiteUser(app.strapi, { username: 'mallory', blocked: true });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD, SECRET]);
  } finally {
    await app?.close();
  }
});
// Each test starts from the credentials above and the default user object, and puts back what it changes.
restoreAfterEach(() => app, {
  config: ['server.url', 'plugin::imbachat.settingsCacheMs', 'plugin::imbachat.extendUsers', 'plugin::imbachat.extendUsersConcurrency'],
});

describe('GET /api/imbachat/v1/users/:ids', () => {
  it('answers the users asked for, in the order asked', async () => {
    const res = await get(`/api/imbachat/v1/users/${bob.id},${alice.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(idsOf(res.body)).toEqual([bob.id, alice.id]);
  });

  it('answers each id once and leaves unknown ids out', async () => {
    const res = await get(`/api/imbachat/v1/users/${alice.id},999999,${alice.id},${bob.id},${bob.id}`);
    expect(idsOf(res.body)).toEqual([alice.id, bob.id]);
  });

  it('ignores junk tokens', async () => {
    const res = await get(`/api/imbachat/v1/users/abc,-1,${alice.id}.5,%20${bob.id}%20,%27;DROP,0x1,${alice.id}`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([bob.id, alice.id]);
  });

  it('answers [] for 0 and for ids no row can have', async () => {
    expect((await get('/api/imbachat/v1/users/0')).body).toEqual([]);
    expect((await get('/api/imbachat/v1/users/99999999999')).body).toEqual([]);
  });

  it('answers a blocked user too: the chat draws conversations that already exist', async () => {
    const res = await get(`/api/imbachat/v1/users/${blocked.id},${alice.id}`);
    expect(idsOf(res.body)).toEqual([blocked.id, alice.id]);
    // Without chatRoles the object is like any other: no permissions are sent.
    expect(Object.keys(res.body[0]).sort()).toEqual(['name', 'user_id']);
  });

  it('uses the configured separator besides the comma', async () => {
    await configure(app.strapi, { idSeparator: '|' });
    const res = await get(`/api/imbachat/v1/users/${alice.id}%7C${bob.id}`);
    expect(idsOf(res.body)).toEqual([alice.id, bob.id]);
  });
});

describe('GET /api/imbachat/v1/users', () => {
  it('reads user_ids', async () => {
    expect(idsOf((await get(`/api/imbachat/v1/users?user_ids=${bob.id},${alice.id}`)).body)).toEqual([bob.id, alice.id]);
  });

  it('reads ids, as OpenCart sends them', async () => {
    expect(idsOf((await get(`/api/imbachat/v1/users?ids=${alice.id}`)).body)).toEqual([alice.id]);
  });

  it('reads a repeated parameter as a list', async () => {
    expect(idsOf((await get(`/api/imbachat/v1/users?user_ids=${alice.id}&user_ids=${bob.id}`)).body)).toEqual([
      alice.id,
      bob.id,
    ]);
  });

  it('answers [] when no ids are given', async () => {
    const res = await get('/api/imbachat/v1/users');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });
});

describe('POST /api/imbachat/v1/users', () => {
  const post = () => app.http().post('/api/imbachat/v1/users').set('Authorization', AUTH);

  it('reads user_ids from a JSON body, as a string or an array', async () => {
    expect(idsOf((await post().send({ user_ids: `${bob.id},${alice.id}` })).body)).toEqual([bob.id, alice.id]);
    expect(idsOf((await post().send({ user_ids: [alice.id, String(bob.id)] })).body)).toEqual([alice.id, bob.id]);
  });

  it('reads a form body, and the users field of older widgets', async () => {
    const form = await post().type('form').send(`user_ids=${alice.id},${bob.id}`);
    expect(idsOf(form.body)).toEqual([alice.id, bob.id]);
    const users = await post().type('form').send(`users=${bob.id}`);
    expect(idsOf(users.body)).toEqual([bob.id]);
  });

  it('answers [] for a body without ids', async () => {
    expect((await post().send({})).body).toEqual([]);
    expect((await post().send([1, 2])).body).toEqual([]);
  });
});

describe('the limit of 1000 ids', () => {
  let ids: number[];
  beforeAll(async () => {
    ids = await insertSiteUsers(app.strapi, 1000);
  });

  it('answers 1000 ids', async () => {
    const res = await app.http().post('/api/imbachat/v1/users').set('Authorization', AUTH).send({ user_ids: ids.join(',') });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1000);
    expect(idsOf(res.body)).toEqual(ids);
  });

  it('refuses 1001 ids with 400 in the ImbaChat error shape', async () => {
    const res = await app
      .http()
      .post('/api/imbachat/v1/users')
      .set('Authorization', AUTH)
      .send({ user_ids: [...ids, 999999].join(',') });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, version: 1, error: expect.stringMatching(/at most 1000/), debug: '' });
  });

  it('costs the same number of SQL queries for 1, 10 and 1000 ids', async () => {
    await configure(app.strapi, { nameField: 'displayName', avatarField: 'avatar' });
    app.strapi.config.set('plugin::imbachat.settingsCacheMs', 60_000);
    // A read cached before the line above would expire after 750 ms, in the middle of the counts.
    settingsService(app.strapi).invalidate();
    const ask = (some: number[]) => () =>
      app.http().post('/api/imbachat/v1/users').set('Authorization', AUTH).send({ user_ids: some }).expect(200);
    await ask(ids.slice(0, 1))(); // warm the settings cache
    const counts = [
      await countQueries(app.strapi, ask(ids.slice(0, 1))),
      await countQueries(app.strapi, ask(ids.slice(0, 10))),
      await countQueries(app.strapi, ask(ids)),
    ];
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThanOrEqual(2);
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
  });
});

describe('the user object', () => {
  const one = async (id: number) => (await get(`/api/imbachat/v1/users/${id}`)).body[0];

  it('holds user_id and name by default, and nothing private', async () => {
    expect(await one(alice.id)).toEqual({ user_id: alice.id, name: 'alice' });
  });

  it('reads the name from nameField, falling back to the username', async () => {
    await configure(app.strapi, { nameField: 'displayName' });
    expect((await one(alice.id)).name).toBe('Alice Liddell');
    expect((await one(bob.id)).name).toBe('bob');
  });

  it('makes a media avatar an absolute URL from the request origin', async () => {
    await configure(app.strapi, { avatarField: 'avatar' });
    const user = await one(alice.id);
    expect(user.avatar_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${avatarUrl}$`));
    expect(await one(bob.id)).not.toHaveProperty('avatar_url');
  });

  it('builds the avatar URL from server.url when it is set', async () => {
    await configure(app.strapi, { avatarField: 'avatar' });
    app.strapi.config.set('server.url', 'https://cms.example.com/');
    expect((await one(alice.id)).avatar_url).toBe(`https://cms.example.com${avatarUrl}`);
  });

  it('uses a text avatar field as it is', async () => {
    const withUrl = await createSiteUser(app.strapi, { displayName: 'https://cdn.example.com/me.png' });
    await configure(app.strapi, { avatarField: 'displayName' });
    expect((await one(withUrl.id)).avatar_url).toBe('https://cdn.example.com/me.png');
  });

  it('fills the profile URL template', async () => {
    await configure(app.strapi, { profileUrlTemplate: 'https://site.example/members/{id}/{username}/{documentId}' });
    expect((await one(alice.id)).profile_url).toBe(`https://site.example/members/${alice.id}/alice/${alice.documentId}`);
  });

  it('shares the email only with shareEmail', async () => {
    expect(await one(alice.id)).not.toHaveProperty('email');
    await configure(app.strapi, { shareEmail: true });
    const user = await one(alice.id);
    expect(user.email).toBe('alice@example.test');
    expect(user.user_mail).toBe('alice@example.test');
  });

  it('never carries private fields, whatever the settings', async () => {
    await configure(app.strapi, {
      nameField: 'displayName',
      avatarField: 'avatar',
      shareEmail: true,
      profileUrlTemplate: 'https://x.example/{id}',
    });
    const user = await one(alice.id);
    expect(Object.keys(user).sort()).toEqual(['avatar_url', 'email', 'name', 'profile_url', 'user_id', 'user_mail']);
  });
});

describe('the extendUsers hook when it misbehaves (a bad answer, a hung dependency)', () => {
  type Users = { user_id: number; name: string }[];
  const hook = (fn: (users: Users) => unknown) => app.strapi.config.set('plugin::imbachat.extendUsers', fn);
  const extendedOnes = (users: Users) => users.map((user) => ({ ...user, extra: 'x' }));
  const plain = () => [{ user_id: alice.id, name: 'alice' }];
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers 200 without the hook when its answer throws as it is read, and logs that', async () => {
    const read = logFromNow(app);
    hook((users) =>
      users.map((user) => ({
        get user_id(): number {
          throw new Error('profile service gone');
        },
        name: user.name,
      }))
    );
    const res = await get(`/api/imbachat/v1/users/${alice.id},${bob.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { user_id: alice.id, name: 'alice' },
      { user_id: bob.id, name: 'bob' },
    ]);
    const search = await get('/api/imbachat/v1/search/alice');
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual(plain());
    const log = await logged(read, 'throw when read');
    expect(log).toMatch(
      /\[imbachat\] config\/plugins imbachat\.config\.extendUsers answered users that throw when read: profile service gone; the users were sent without it/
    );
  });

  it('runs at most 4 hook calls at once: the rest are answered at once without it and logged; timed-out calls count until they settle', async () => {
    const read = logFromNow(app);
    const pending: (() => void)[] = [];
    hook((users) => new Promise((resolve) => pending.push(() => resolve(extendedOnes(users)))));
    try {
      const hung = [1, 2, 3, 4].map(() => get(`/api/imbachat/v1/users/${alice.id}`).then((res) => res));
      for (let waited = 0; pending.length < 4 && waited < 5000; waited += 10) await pause(10);
      expect(pending).toHaveLength(4);

      const started = Date.now();
      const extra = await Promise.all([get(`/api/imbachat/v1/users/${alice.id}`), get('/api/imbachat/v1/search/alice')]);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(extra.map((res) => res.status)).toEqual([200, 200]);
      expect(extra[0].body).toEqual(plain());
      expect(extra[1].body.data).toEqual(plain());
      expect(pending).toHaveLength(4);
      const log = await logged(read, 'was not called');
      expect(log.match(/extendUsers was not called: 4 calls are still running/g)).toHaveLength(1);

      // The four time out (3 s) and are answered without the hook, but their calls still run.
      for (const res of await Promise.all(hung)) expect(res.body).toEqual(plain());
      expect((await get(`/api/imbachat/v1/users/${alice.id}`)).body).toEqual(plain());
      expect(pending).toHaveLength(4);
    } finally {
      pending.forEach((settle) => settle());
    }
    await pause(50);
    hook(extendedOnes);
    expect((await get(`/api/imbachat/v1/users/${alice.id}`)).body).toEqual([{ user_id: alice.id, name: 'alice', extra: 'x' }]);
  });

  it('takes the number of calls at once from extendUsersConcurrency', async () => {
    app.strapi.config.set('plugin::imbachat.extendUsersConcurrency', 1);
    const pending: (() => void)[] = [];
    hook((users) => new Promise((resolve) => pending.push(() => resolve(extendedOnes(users)))));
    let first;
    try {
      first = get(`/api/imbachat/v1/users/${alice.id}`).then((res) => res);
      for (let waited = 0; pending.length < 1 && waited < 5000; waited += 10) await pause(10);
      expect((await get(`/api/imbachat/v1/users/${alice.id}`)).body).toEqual(plain());
      expect(pending).toHaveLength(1);
    } finally {
      pending.forEach((settle) => settle());
    }
    expect((await first).body).toEqual([{ user_id: alice.id, name: 'alice', extra: 'x' }]);
  });
});
