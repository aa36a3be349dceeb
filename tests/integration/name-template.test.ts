import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, createSiteUser, expectNoSecretsIn, startStrapi, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const LOGIN = 'chat';
const PASSWORD = 'name-template-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_PASSWORD = 'Secret-pass-1';

let app: TestApp;
let smtp: TestSmtp;
let token: string;
let alice: { id: number; email: string };
let carol: { id: number };
let plain: { id: number };
let spaced: { id: number };

type ChatUsers = { user_id: number; name: string }[];
const searchIndex = () =>
  app.strapi.plugin('imbachat').service('searchIndex') as { followed(): Promise<void>; check(): Promise<{ found: number[] }>; idle(): Promise<void> };
const namesOf = async (ids: number[]) => {
  const res = await app.http().get(`/api/imbachat/v1/users/${ids.join(',')}`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body as ChatUsers).map((user) => user.name);
};
const found = async (term: string) => {
  const res = await app.http().get(`/api/imbachat/v1/search/${encodeURIComponent(term)}`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as ChatUsers).map((user) => user.user_id);
};
const putSettings = (body: object) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${token}`).send(body);
const update = async (id: number, data: object) => {
  await app.strapi.db.query(USER_UID).update({ where: { id }, data });
  await searchIndex().followed();
};

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: smtp.env });
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
  alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Queen of Hearts' });
  carol = await createSiteUser(app.strapi, { username: 'carol', displayName: 'Carol D.' });
  plain = await createSiteUser(app.strapi, { username: 'plain' });
  spaced = await createSiteUser(app.strapi, { username: 'spaced' });
  await update(alice.id, { firstName: 'Alice', lastName: 'Liddell', level: 7 });
  await update(carol.id, { firstName: 'Carol' });
  await update(spaced.id, { firstName: '  Ann \n', lastName: '\tLee  ' });
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
    await smtp?.stop();
  }
});
restoreAfterEach(() => app);

describe('the name template in user objects', () => {
  it('fills the template, collapses whitespace, and falls back to the name field, then the username, when it fills to nothing', async () => {
    await configure(app.strapi, { nameTemplate: '{firstName} {lastName}' });
    expect(await namesOf([alice.id, carol.id, plain.id, spaced.id])).toEqual(['Alice Liddell', 'Carol', 'plain', 'Ann Lee']);
  });

  it('keeps the text between placeholders and takes whole-number attributes', async () => {
    await configure(app.strapi, { nameTemplate: '{lastName}, {firstName} (level {level})' });
    expect(await namesOf([alice.id, carol.id])).toEqual(['Liddell, Alice (level 7)', ', Carol (level )']);
    // Only text around empty values is no name: the name field shows.
    await configure(app.strapi, { nameTemplate: 'Dr. {lastName}' });
    expect(await namesOf([alice.id, carol.id])).toEqual(['Dr. Liddell', 'Carol D.']);
  });

  it('is off when empty: the name field shows as before', async () => {
    expect(await namesOf([alice.id, carol.id, plain.id])).toEqual(['Queen of Hearts', 'Carol D.', 'plain']);
  });

  it('gives the login check\'s name', async () => {
    await configure(app.strapi, { nameTemplate: '{firstName} {lastName}' });
    const res = await app.http().post('/api/imbachat/v1/auth_users').set('Authorization', AUTH).send({ login: 'alice', password: USER_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: alice.id, name: 'Alice Liddell' });
  });

  it('gives {name} in notification emails', async () => {
    await configure(app.strapi, { nameTemplate: '{firstName} {lastName}', notifyByEmail: true, notifyText: 'Hello {name}: {title}' });
    const res = await app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ user_id: alice.id, title: 'ping' });
    expect(res.body).toEqual({ code: 200, version: 1, data: { sent: true } });
    await (app.strapi.plugin('imbachat').service('notifications') as { idle(): Promise<void> }).idle();
    const mail = smtp.received.filter((message) => message.envelopeTo.includes(alice.email));
    expect(mail.map((message) => message.mail.text?.trim())).toEqual(['Hello Alice Liddell: ping']);
  });
});

describe('search by the name template', () => {
  // The settings an earlier test saved are put back behind the index's back: a check rebuilds it for them.
  beforeEach(async () => {
    await searchIndex().check();
  });

  it('finds users by the filled template once it is saved (the index is rebuilt), and no longer once it is cleared', async () => {
    expect(await found('ice Lidd')).toEqual([]);
    let res = await putSettings({ nameTemplate: '{firstName} {lastName}' });
    expect(res.status).toBe(200);
    expect(await found('ice Lidd')).toEqual([alice.id]);
    expect(await found('ann lee')).toEqual([spaced.id]);
    // The username and, for users whose template fills to nothing, the name field are still found.
    expect(await found('alice')).toEqual([alice.id]);
    expect(await found('hearts')).toEqual([]);
    const signature = (await app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'search-index' }).get({})) as { nameTemplate?: string };
    expect(signature.nameTemplate).toBe('{firstName} {lastName}');
    res = await putSettings({ nameTemplate: '' });
    expect(res.status).toBe(200);
    expect(await found('ice Lidd')).toEqual([]);
    expect(await found('hearts')).toEqual([alice.id]);
  });

  it('follows a change made through Strapi, and the drift check finds one made with plain SQL', async () => {
    await configure(app.strapi, { nameTemplate: '{firstName} {lastName}' });
    await searchIndex().idle();
    try {
      await update(carol.id, { lastName: 'Danvers' });
      expect(await found('carol danv')).toEqual([carol.id]);
      const meta = app.strapi.db.metadata.get(USER_UID) as unknown as { tableName: string; attributes: Record<string, { columnName?: string }> };
      const column = (name: string) => meta.attributes[name].columnName ?? name;
      await app.strapi.db.connection(meta.tableName).where(column('id'), carol.id).update({ [column('lastName')]: 'Vers' });
      expect(await found('carol vers')).toEqual([]);
      const check = await searchIndex().check();
      expect(check.found).toEqual([carol.id]);
      expect(await found('carol vers')).toEqual([carol.id]);
      expect(await found('danv')).toEqual([]);
      // A check of an index in step finds nothing.
      expect((await searchIndex().check()).found).toEqual([]);
    } finally {
      // Carol has no last name in the other tests, whatever order they run in.
      await update(carol.id, { lastName: null });
    }
  });

  it('finds users by a whole-number attribute in the template, and the drift check agrees with the index', async () => {
    await configure(app.strapi, { nameTemplate: '{firstName} no. {level}' });
    expect(await found('alice no. 7')).toEqual([alice.id]);
    expect((await searchIndex().check()).found).toEqual([]);
  });
});

describe('the nameTemplate setting', () => {
  it('offers the public text and whole-number attributes, never a private one', async () => {
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.data.nameTemplate).toBe('');
    const names = res.body.meta.userFields.nameTemplate.map((choice: { name: string }) => choice.name);
    expect(names).toEqual(expect.arrayContaining(['username', 'firstName', 'lastName', 'displayName', 'level', 'plan']));
    for (const hidden of ['password', 'email', 'resetPasswordToken', 'confirmationToken', 'provider', 'avatar', 'role', 'friends']) {
      expect(names).not.toContain(hidden);
    }
  });

  it('refuses a private, unknown or non-text attribute with 400 naming the field and the attribute', async () => {
    for (const attribute of ['password', 'email', 'resetPasswordToken', 'confirmationToken', 'nope', 'avatar', 'friends', 'lastVisit']) {
      const res = await putSettings({ nameTemplate: `{firstName} {${attribute}}` });
      expect([attribute, res.status]).toEqual([attribute, 400]);
      expect(res.body.error.name).toBe('ValidationError');
      expect(res.body.error.message).toBe(`nameTemplate: "{${attribute}}" is not a public text or whole-number attribute of the user model`);
      expect(res.body.error.details.errors).toEqual([{ path: ['nameTemplate'], message: res.body.error.message, name: 'ValidationError' }]);
    }
    expect((await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`)).body.data.nameTemplate).toBe('');
  });

  it('refuses what is no template with 400', async () => {
    for (const template of ['{first name}', 'no placeholder', '{firstName', 'a } b {lastName}', '{a}{b}{c}{d}{e}{f}']) {
      const res = await putSettings({ nameTemplate: template });
      expect([template, res.status]).toEqual([template, 400]);
      expect(res.body.error.details.errors[0].path).toEqual(['nameTemplate']);
    }
  });
});
