import crypto from 'node:crypto';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { basic, configure, createSiteUser, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #11, "same answers": a user who signs up, is renamed, blocked or deleted after start-up is found
// (or not) at once, whichever path made the change. Each test names its own users, so none sees another's.
const LOGIN = 'chat';
const PASSWORD = 'index-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';
const CM = `/content-manager/collection-types/${USER_UID}`;

let app: TestApp;
let adminJwt: string;

/** Ids the search route answers for the term (`contains` ranks by id). */
const found = async (term: string) => {
  const res = await app.http().get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}&limit=100`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};
const query = () => app.strapi.db.query(USER_UID);
const idsOf = async (prefix: string) =>
  ((await query().findMany({ where: { username: { $startsWith: prefix } }, select: ['id'], orderBy: { id: 'asc' } })) as { id: number }[]).map((u) => u.id);
const admin = () => ({
  put: (documentId: string, body: object) => app.http().put(`${CM}/${documentId}`).set('Authorization', `Bearer ${adminJwt}`).send(body),
  post: (body: object) => app.http().post(CM).set('Authorization', `Bearer ${adminJwt}`).send(body),
  delete: (documentId: string) => app.http().delete(`${CM}/${documentId}`).set('Authorization', `Bearer ${adminJwt}`),
});
const bulkRows = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    username: `${prefix}${i}`,
    email: `${prefix}${i}@example.test`,
    displayName: `${prefix} Name ${i}`,
    provider: 'local',
    confirmed: true,
    blocked: false,
  }));

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  adminJwt = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
});
afterAll(async () => {
  await app?.close();
});

describe('changes through HTTP', () => {
  it('a visitor who signs up through POST /api/auth/local/register is found at once', async () => {
    const res = await app.http().post('/api/auth/local/register').send({ username: 'signup-Örjan', email: 'signup-orjan@example.test', password: 'Secret-pass-1' });
    expect(res.status).toBe(200);
    expect(await found('SIGNUP-ÖRJAN')).toEqual([res.body.user.id]);
  });

  it('the content manager: created, renamed, blocked, unblocked and deleted by an admin', async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const created = await admin().post({ username: 'cm-user', email: 'cm-user@example.test', password: 'Secret-pass-1', displayName: 'Erin Ü', confirmed: true, blocked: false, role: role.id });
    expect(created.status).toBe(201);
    // users-permissions' content-manager routes answer the user itself, not {data}.
    const { id, documentId } = (created.body.data ?? created.body) as { id: number; documentId: string };
    expect(await found('ERIN Ü')).toEqual([id]);

    expect((await admin().put(documentId, { displayName: 'Renamed Ærin' })).status).toBe(200);
    expect(await found('erin ü')).toEqual([]);
    expect(await found('RENAMED ÆRIN')).toEqual([id]);

    expect((await admin().put(documentId, { blocked: true })).status).toBe(200);
    expect(await found('renamed ærin')).toEqual([]);
    expect(await found('cm-user')).toEqual([]);
    expect((await admin().put(documentId, { blocked: false })).status).toBe(200);
    expect(await found('cm-user')).toEqual([id]);

    expect((await admin().delete(documentId)).status).toBe(200);
    expect(await found('cm-user')).toEqual([]);
    expect(await found('renamed ærin')).toEqual([]);
  });

  it("users-permissions' own PUT /api/users/:id, for a role allowed to update users", async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const permission = await app.strapi.db.query('plugin::users-permissions.permission').create({ data: { action: 'plugin::users-permissions.user.update', role: role.id } });
    try {
      const user = await createSiteUser(app.strapi, { username: 'upd-route', displayName: 'Before Route' });
      const res = await app.http().put(`/api/users/${user.id}`).set('Authorization', `Bearer ${await siteUserJwt(app.strapi, user.id)}`).send({ username: 'upd-route-renamed' });
      expect(res.status).toBe(200);
      expect(await found('UPD-ROUTE-RENAMED')).toEqual([user.id]);
      expect(await found('upd-route')).toEqual([user.id]);
      const again = await app.http().put(`/api/users/${user.id}`).set('Authorization', `Bearer ${await siteUserJwt(app.strapi, user.id)}`).send({ username: 'upd-gone' });
      expect(again.status).toBe(200);
      expect(await found('upd-route')).toEqual([]);
      expect(await found('upd-gone')).toEqual([user.id]);
    } finally {
      await app.strapi.db.query('plugin::users-permissions.permission').delete({ where: { id: permission.id } });
    }
  });
});

describe('changes through Strapi services', () => {
  it("users-permissions' user service: add, edit, block, remove", async () => {
    const users = app.strapi.plugin('users-permissions').service('user');
    const user = await createSiteUser(app.strapi, { username: 'upsvc-a', displayName: 'Service Zoë' });
    expect(await found('SERVICE ZOË')).toEqual([user.id]);
    await users.edit(user.id, { displayName: 'Service Zoé' });
    expect(await found('service zoë')).toEqual([]);
    expect(await found('SERVICE ZOÉ')).toEqual([user.id]);
    await users.edit(user.id, { blocked: true });
    expect(await found('upsvc-a')).toEqual([]);
    await users.edit(user.id, { blocked: false });
    expect(await found('upsvc-a')).toEqual([user.id]);
    await users.remove({ id: user.id });
    expect(await found('upsvc-a')).toEqual([]);
  });

  it('the document service: update and delete', async () => {
    const user = await createSiteUser(app.strapi, { username: 'docsvc-a', displayName: 'Document Name' });
    await app.strapi.documents(USER_UID).update({ documentId: user.documentId, data: { displayName: 'Document Renamed' } as never });
    expect(await found('document name')).toEqual([]);
    expect(await found('DOCUMENT RENAMED')).toEqual([user.id]);
    await app.strapi.documents(USER_UID).update({ documentId: user.documentId, data: { blocked: true } as never });
    expect(await found('docsvc-a')).toEqual([]);
    await app.strapi.documents(USER_UID).update({ documentId: user.documentId, data: { blocked: false } as never });
    expect(await found('docsvc-a')).toEqual([user.id]);
    await app.strapi.documents(USER_UID).delete({ documentId: user.documentId });
    expect(await found('docsvc-a')).toEqual([]);
  });

  it('the query engine: create, update (rename, new email), block and delete', async () => {
    const user = (await query().create({ data: { username: 'qe-one', email: 'qe-one@example.test', displayName: 'Query Engine', provider: 'local', confirmed: true, blocked: false } })) as { id: number };
    expect(await found('QUERY ENGINE')).toEqual([user.id]);
    await query().update({ where: { id: user.id }, data: { displayName: 'Query Renamed', email: 'qe-moved@example.test' } });
    expect(await found('query engine')).toEqual([]);
    expect(await found('query renamed')).toEqual([user.id]);
    await query().update({ where: { id: user.id }, data: { blocked: true } });
    expect(await found('qe-one')).toEqual([]);
    await query().update({ where: { id: user.id }, data: { blocked: false } });
    expect(await found('qe-one')).toEqual([user.id]);
    await query().delete({ where: { id: user.id } });
    expect(await found('qe-one')).toEqual([]);
    expect(await found('query renamed')).toEqual([]);
  });

  it('follows email changes while shareEmail is on', async () => {
    await withSettings({ shareEmail: true }, async () => {
      const user = await createSiteUser(app.strapi, { username: 'mailer-a', email: 'first-mailbox@example.test' });
      expect(await found('FIRST-MAILBOX@')).toEqual([user.id]);
      await query().update({ where: { id: user.id }, data: { email: 'second-mailbox@example.test' } });
      expect(await found('first-mailbox@')).toEqual([]);
      expect(await found('second-mailbox@')).toEqual([user.id]);
    });
  });
});

/** Runs `work` with these settings saved, then puts the ones before back. */
const withSettings = async (values: Record<string, unknown>, work: () => Promise<void>) => {
  const before = await app.strapi.plugin('imbachat').service('settings').get();
  const restore = Object.fromEntries(Object.keys(values).map((key) => [key, before[key]]));
  await configure(app.strapi, values);
  try {
    await work();
  } finally {
    await configure(app.strapi, restore);
  }
};

describe('bulk changes through the query engine', () => {
  it('createMany: every user made is found', async () => {
    await query().createMany({ data: bulkRows('cmany-', 30) });
    const ids = await idsOf('cmany-');
    expect(ids).toHaveLength(30);
    expect(await found('CMANY-')).toEqual(ids);
    expect(await found('cmany- name 29')).toEqual([ids[29]]);
  });

  it('updateMany: renames several and blocks several, by a where', async () => {
    await query().createMany({ data: bulkRows('umany-', 10) });
    const ids = await idsOf('umany-');
    await query().updateMany({ where: { id: { $in: ids.slice(0, 4) } }, data: { displayName: 'Bulk Renamed Ünit' } });
    expect(await found('bulk renamed ünit')).toEqual(ids.slice(0, 4));
    expect(await found('umany- name 0')).toEqual([]);
    expect(await found('umany- name 4')).toEqual([ids[4]]);

    // The where names the very field the update changes: the users are the ones it matched before.
    await query().updateMany({ where: { username: { $in: ['umany-6', 'umany-7', 'umany-8'] } }, data: { blocked: true, username: 'umany-blocked' } });
    expect(await found('umany-')).toEqual([...ids.slice(0, 6), ids[9]]);
    expect(await found('umany-blocked')).toEqual([]);
  });

  it('deleteMany: the users its where matched are gone from the index', async () => {
    await query().createMany({ data: bulkRows('dmany-', 8) });
    const ids = await idsOf('dmany-');
    await query().deleteMany({ where: { $or: [{ username: { $endsWith: '1' } }, { displayName: { $containsi: 'NAME 5' } }] } });
    expect(await found('dmany-')).toEqual(ids.filter((_, i) => i !== 1 && i !== 5));
    await query().deleteMany({ where: { username: { $startsWith: 'dmany-' } } });
    expect(await found('dmany-')).toEqual([]);
  });
});

describe('changes inside a transaction', () => {
  it('sign-ups at the same moment: none is lost, each is found (the index is written after the writer commits, never inside)', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `together${i}`);
    // users-permissions' own path: the document service, each sign-up in a transaction of its own.
    const made = await Promise.all(names.map((username) => createSiteUser(app.strapi, { username })));
    const stored = await idsOf('together');
    expect(stored).toEqual(made.map((user) => user.id).sort((a, b) => a - b));
    expect(await found('together')).toEqual(stored);
  });

  it('a transaction rolled back leaves the index as it was', async () => {
    const keep = await createSiteUser(app.strapi, { username: 'rb-keep', displayName: 'Rollback Keep' });
    const drop = await createSiteUser(app.strapi, { username: 'rb-drop', displayName: 'Rollback Drop' });
    const before = await found('rb-');
    await expect(
      app.strapi.db.transaction(async () => {
        await query().update({ where: { id: keep.id }, data: { displayName: 'Rollback Renamed' } });
        await query().update({ where: { id: drop.id }, data: { blocked: true } });
        await query().create({ data: { username: 'rb-new', email: 'rb-new@example.test', provider: 'local', confirmed: true, blocked: false } });
        await query().createMany({ data: bulkRows('rb-many-', 3) });
        await query().deleteMany({ where: { id: { $in: [drop.id] } } });
        throw new Error('changed my mind');
      })
    ).rejects.toThrow('changed my mind');
    expect(before).toEqual([keep.id, drop.id]);
    expect(await found('rb-')).toEqual(before);
    expect(await found('rollback keep')).toEqual([keep.id]);
    expect(await found('rollback renamed')).toEqual([]);
    expect(await found('rb-new')).toEqual([]);
    expect(await found('rb-many-')).toEqual([]);
  });

  it('a transaction committed is seen, bulk creates included', async () => {
    const renamed = await createSiteUser(app.strapi, { username: 'ct-renamed', displayName: 'Commit Before' });
    const removed = await createSiteUser(app.strapi, { username: 'ct-removed' });
    await app.strapi.db.transaction(async () => {
      await query().update({ where: { id: renamed.id }, data: { displayName: 'Commit After' } });
      await query().create({ data: { username: 'ct-single', email: 'ct-single@example.test', provider: 'local', confirmed: true, blocked: false } });
      await query().createMany({ data: bulkRows('ct-many-', 5) });
      await query().deleteMany({ where: { id: removed.id } });
    });
    expect(await found('commit before')).toEqual([]);
    expect(await found('commit after')).toEqual([renamed.id]);
    expect(await found('ct-single')).toEqual(await idsOf('ct-single'));
    const many = await idsOf('ct-many-');
    expect(many).toHaveLength(5);
    expect(await found('ct-many-')).toEqual(many);
    expect(await found('ct-removed')).toEqual([]);
  });
});

describe('users written with plain SQL, outside Strapi', () => {
  const insertPlain = async (prefix: string, count: number) => {
    const meta = app.strapi.db.metadata.get(USER_UID) as unknown as { tableName: string; attributes: Record<string, { columnName?: string }> };
    const column = (name: string) => meta.attributes[name]?.columnName ?? name;
    const now = new Date();
    await app.strapi.db.connection(meta.tableName).insert(
      bulkRows(prefix, count).map((row) => ({
        [column('documentId')]: crypto.randomBytes(12).toString('hex'),
        [column('username')]: row.username,
        [column('email')]: row.email,
        [column('displayName')]: row.displayName,
        [column('provider')]: row.provider,
        [column('confirmed')]: true,
        [column('blocked')]: false,
        [column('createdAt')]: now,
        [column('updatedAt')]: now,
      }))
    );
    return idsOf(prefix);
  };

  it('are found after searchIndex.rebuild()', async () => {
    const ids = await insertPlain('plain-rebuild-', 4);
    expect(await found('plain-rebuild-')).toEqual([]);
    const { users } = await app.strapi.plugin('imbachat').service('searchIndex').rebuild();
    expect(users).toBeGreaterThanOrEqual(4);
    expect(await found('PLAIN-REBUILD-')).toEqual(ids);
  });

  it('are found after a restart: the start-up check indexes them', async () => {
    const ids = await insertPlain('plain-restart-', 3);
    expect(await found('plain-restart-')).toEqual([]);
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app });
    // The check runs in the background: start-up does not wait for it.
    await app.strapi.plugin('imbachat').service('searchIndex').idle();
    expect(await found('plain-restart-')).toEqual(ids);
    adminJwt = await adminToken(app, (await app.strapi.db.query('admin::user').findOne({ where: { isActive: true } })).email);
  });
});

describe('settings the index follows', () => {
  restoreAfterEach(() => app);

  it('changing nameField in the admin makes search follow the new field at once', async () => {
    const user = await createSiteUser(app.strapi, { username: 'nf-login', displayName: 'Name Field Display' });
    expect(await found('name field display')).toEqual([user.id]);
    const save = (values: object) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${adminJwt}`).send(values);
    expect((await save({ nameField: 'username' })).status).toBe(200);
    expect(await found('name field display')).toEqual([]);
    expect(await found('nf-login')).toEqual([user.id]);
    expect((await save({ nameField: 'displayName' })).status).toBe(200);
    expect(await found('name field display')).toEqual([user.id]);
  });
});
