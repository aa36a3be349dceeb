import { keepSettings, withKept } from '../helpers/restore';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';

// The playground's own demo values (playground/src/seed).
const { ADMIN, DEMO_SETTINGS, SITE_USERS, printWelcome, welcomeLines } = require('../../playground/src/seed');

let app: TestApp;
beforeAll(async () => {
  app = await startStrapi({ seed: true });
});
afterAll(async () => {
  await app?.close();
});

describe('the playground on an empty database', () => {
  it('seeds an admin who can log in', async () => {
    const res = await app.http().post('/admin/login').send({ email: ADMIN.email, password: ADMIN.password });
    expect(res.status).toBe(200);
  });

  it('seeds site users, one with a display name and an avatar, and demo settings', async () => {
    const users = await app.strapi.db.query('plugin::users-permissions.user').findMany({ orderBy: { id: 'asc' } });
    expect(users.map((user: { username: string }) => user.username)).toEqual(SITE_USERS.map((u: { username: string }) => u.username));
    const alice = users[0];
    const res = await app
      .http()
      .get(`/api/imbachat/v1/users/${alice.id}`)
      .set('Authorization', basic(DEMO_SETTINGS.apiLogin, DEMO_SETTINGS.apiPassword));
    expect(res.body).toEqual([
      {
        user_id: alice.id,
        name: 'Alice Liddell',
        avatar_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/uploads\/alice.*\.png$/),
        profile_url: 'http://localhost:1337/members/alice/',
      },
    ]);
    const avatar = await app.http().get(new URL(res.body[0].avatar_url).pathname);
    expect(avatar.status).toBe(200);
    expect(avatar.headers['content-type']).toBe('image/png');
  });

  it('seeds first and last names and friends: alice\'s friends are bob and carol', async () => {
    const users = await app.strapi.db.query('plugin::users-permissions.user').findMany({ orderBy: { id: 'asc' } });
    const id = (name: string) => users.find((user: { username: string }) => user.username === name).id;
    const auth = basic(DEMO_SETTINGS.apiLogin, DEMO_SETTINGS.apiPassword);
    const friends = await app.http().get(`/api/imbachat/v1/user/friends/${id('alice')}`).set('Authorization', auth);
    expect(friends.body.map((user: { name: string }) => user.name)).toEqual(['Bob Builder', 'carol']);
    await withKept(keepSettings(app.strapi), async () => {
      await configure(app.strapi, { nameTemplate: '{firstName} {lastName}' });
      const res = await app.http().get(`/api/imbachat/v1/users/${id('alice')},${id('carol')},${id('mallory')}`).set('Authorization', auth);
      expect(res.body.map((user: { name: string }) => user.name)).toEqual(['Alice Liddell', 'Carol', 'Mallory (blocked)']);
    });
  });

  it('does not seed twice', async () => {
    const { seedPlayground } = require('../../playground/src/seed');
    await seedPlayground(app.strapi);
    expect(await app.strapi.db.query('admin::user').count()).toBe(1);
  });
});

describe('the welcome message', () => {
  /** What printWelcome writes to the console. */
  const printed = async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await printWelcome(app.strapi);
      return log.mock.calls.map((args) => args.join(' ')).join('\n');
    } finally {
      log.mockRestore();
    }
  };

  it('shows the curl line with the demo API password', async () => {
    const text = await printed();
    expect(text).toContain(`curl -u '${DEMO_SETTINGS.apiLogin}:${DEMO_SETTINGS.apiPassword}'`);
  });

  it('never prints an API password that is not the demo one', async () => {
    const own = 'the-site-own-api-password-1';
    await withKept(keepSettings(app.strapi), async () => {
      await configure(app.strapi, { apiPassword: own });
      const text = await printed();
      expect(text).not.toContain(own);
      expect(text).toContain(`curl -u '${DEMO_SETTINGS.apiLogin}:<your API password>'`);
      expect(text).toMatch(/not shown/);
    });
  });

  it('says so when no API password is set', () => {
    const text = welcomeLines({ base: 'http://localhost:1337', apiLogin: 'imbachat', apiPassword: '' }).join('\n');
    expect(text).toContain("curl -u 'imbachat:<your API password>' 'http://localhost:1337/api/imbachat/v1/users?user_ids=1,2,3'");
    expect(text).toMatch(/none is set/);
  });
});
