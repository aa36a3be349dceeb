import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #20: Test API's user picker, GET /imbachat/users?q=&limit= (read permission).
const USER_UID = 'plugin::users-permissions.user';

let app: TestApp;
let token: string;
let alice: { id: number };
let alina: { id: number };
let bob: { id: number };
let carol: { id: number };

const pick = (query = '') => app.http().get(`/imbachat/users${query}`).set('Authorization', `Bearer ${token}`);
const picked = async (query = '') => {
  const res = await pick(query);
  expect(res.status).toBe(200);
  return res.body.data as { id: number; username: string; name: string }[];
};

beforeAll(async () => {
  app = await startStrapi();
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
  alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell' });
  alina = await createSiteUser(app.strapi, { username: 'alina', displayName: null });
  bob = await createSiteUser(app.strapi, { username: 'bob', displayName: 'Bob Builder' });
  carol = await createSiteUser(app.strapi, { username: 'carol', displayName: 'Carol Alison', blocked: true });
  for (let i = 0; i < 22; i += 1) await createSiteUser(app.strapi, { username: `zed${String(i).padStart(2, '0')}` });
  await configure(app.strapi, { nameField: 'displayName' });
});
afterAll(async () => {
  await app?.close();
});
restoreAfterEach(() => app);

describe('GET /imbachat/users', () => {
  it('finds users as the chat\'s search does, each with the name the chat shows', async () => {
    expect(await picked('?q=ali')).toEqual([
      { id: alice.id, username: 'alice', name: 'Alice Liddell' },
      // No display name: the chat shows the username.
      { id: alina.id, username: 'alina', name: 'alina' },
    ]);
    expect(await picked('?q=BUILDER')).toEqual([{ id: bob.id, username: 'bob', name: 'Bob Builder' }]);
  });

  it('leaves blocked users out, as the chat\'s search does', async () => {
    expect((await picked('?q=carol')).map((user) => user.id)).toEqual([]);
    expect((await picked('?limit=20')).map((user) => user.id)).not.toContain(carol.id);
  });

  it('follows the search mode', async () => {
    await configure(app.strapi, { searchMode: 'exact' });
    expect(await picked('?q=ali')).toEqual([]);
    expect((await picked('?q=alice liddell')).map((user) => user.id)).toEqual([alice.id]);
  });

  it('answers the first users by id for an empty term, 10 unless asked, at most 20', async () => {
    const rows = (await app.strapi.db.query(USER_UID).findMany({ where: { blocked: false }, orderBy: { id: 'asc' }, select: ['id'] })) as { id: number }[];
    const firstIds = rows.map((row) => row.id);
    expect((await picked()).map((user) => user.id)).toEqual(firstIds.slice(0, 10));
    expect((await picked('?q=%20%20&limit=3')).map((user) => user.id)).toEqual(firstIds.slice(0, 3));
    expect((await picked('?limit=50')).map((user) => user.id)).toEqual(firstIds.slice(0, 20));
    expect((await picked('?q=zed&limit=50')).length).toBe(20);
  });

  it.each([
    ['a term over 100 characters', `?q=${'a'.repeat(101)}`],
    ['two terms', '?q=a&q=b'],
    ['a limit of 0', '?limit=0'],
    ['a limit that is no number', '?limit=ten'],
  ])('refuses %s with 400', async (_, query) => {
    const res = await pick(query);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
  });

  it('answers 401 without an admin token', async () => {
    expect((await app.http().get('/imbachat/users')).status).toBe(401);
  });
});
