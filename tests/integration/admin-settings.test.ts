import { adminToken, createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, expectNoSecretsIn, logFromNow, logged, startStrapi, type TestApp } from '../helpers/strapi';

const API_PASSWORD = 'admin-suite-api-password-1';
const SECRET = 'admin-suite-secret-key-1';

let app: TestApp;
let superToken: string;
let readerToken: string;
let editorToken: string;

const as = (token: string) => ({
  get: () => app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`),
  put: (body: unknown) => app.http().put('/imbachat/settings').set('Authorization', `Bearer ${token}`).send(body as object),
  test: (body: unknown) =>
    app.http().post('/imbachat/settings/test').set('Authorization', `Bearer ${token}`).send(body as object),
});

beforeAll(async () => {
  app = await startStrapi();
  superToken = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
  const readOnly = await createRole(app.strapi, 'ImbaChat reader', ['plugin::imbachat.settings.read']);
  readerToken = await adminToken(app, await createAdmin(app.strapi, [readOnly]));
  const editor = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
  editorToken = await adminToken(app, await createAdmin(app.strapi, [editor.id]));
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [API_PASSWORD, SECRET]);
  } finally {
    await app?.close();
  }
});
// Each test starts from no saved settings at all, and leaves none behind.
restoreAfterEach(() => app);

/** The values the PUT tests below start from, saved as the admin page would. */
const saveConfigured = async () => {
  const res = await as(superToken).put({ widgetId: 'w-9', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET, tokenTtlSeconds: 7200 });
  expect(res.status).toBe(200);
};

describe('GET /imbachat/settings', () => {
  it('answers every setting but the secrets, with the endpoints and the user fields', async () => {
    const res = await as(superToken).get();
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      widgetId: '',
      apiLogin: '',
      widgetScriptUrl: 'https://api.imbachat.com/imbachat/v1/{widgetId}/widget',
      tokenTtlSeconds: 3600,
      nameField: 'username',
      avatarField: '',
      profileUrlTemplate: '',
      shareEmail: false,
      searchMode: 'contains',
      idSeparator: ',',
      chatRoles: false,
      roleMap: {},
      badgeField: '',
      lastLoginField: '',
      trackLastSeen: false,
      guests: true,
      nameTemplate: '',
      friendsField: '',
      widgetOptions: {},
      notifyByEmail: false,
      notifyEveryMinutes: 10,
      notifyMaxPerMinute: 60,
      siteUrl: '',
      notifySubject: 'New message: {title}',
      notifyText: 'Hello {name},\n\nYou have a new message while you were away:\n\n{title}\n{body}\n\nReply on {siteUrl}',
      apiPasswordSet: false,
      secretKeySet: false,
      unreadableSecrets: [],
      apiPasswordShort: false,
      locked: [],
    });
    const origin = res.body.meta.endpoints.version.replace(/\/api\/imbachat\/v1$/, '');
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(res.body.meta.endpoints).toEqual({
      usersInfo: `${origin}/api/imbachat/v1/users`,
      search: `${origin}/api/imbachat/v1/search`,
      authUsers: `${origin}/api/imbachat/v1/auth_users`,
      version: `${origin}/api/imbachat/v1`,
      token: `${origin}/api/imbachat/token`,
      widget: `${origin}/api/imbachat/widget`,
      notifications: `${origin}/api/imbachat/v1/notifications`,
    });
    const names = (list: { name: string }[]) => list.map((field) => field.name);
    expect(names(res.body.meta.userFields.nameField)).toEqual(expect.arrayContaining(['username', 'displayName']));
    expect(names(res.body.meta.userFields.nameField)).not.toContain('password');
    expect(names(res.body.meta.userFields.nameField)).not.toContain('email');
    expect(names(res.body.meta.userFields.avatarField)).toContain('avatar');
    expect(names(res.body.meta.userFields.badgeField)).toEqual(expect.arrayContaining(['username', 'badge', 'plan', 'level']));
    expect(names(res.body.meta.userFields.badgeField)).not.toContain('lastVisit');
    expect(names(res.body.meta.userFields.lastLoginField).sort()).toEqual(['lastActive', 'lastVisit', 'memberSince', 'updatedAt']);
    expect(names(res.body.meta.userFields.nameTemplate)).toEqual(expect.arrayContaining(['username', 'firstName', 'lastName', 'level']));
    expect(names(res.body.meta.userFields.nameTemplate)).not.toContain('password');
    expect(res.body.meta.userFields.friendsField).toEqual([{ name: 'friends', type: 'manyToMany' }]);
    // users-permissions' roles as Strapi has them; `public` is no logged-in user's role.
    expect(res.body.meta.roles).toContainEqual({ type: 'authenticated', name: 'Authenticated', description: expect.any(String) });
    expect(res.body.meta.roles.map((role: { type: string }) => role.type)).not.toContain('public');
    // No absolute server.url: the address is the browser's, plain http on a loopback here.
    expect(res.body.meta.publicUrl).toEqual({ url: origin, reachable: false, problems: ['not-set', 'http', 'loopback'] });
    // No email provider configured: Strapi's default.
    expect(res.body.meta.emailProvider).toBe('sendmail');
  });

  it('says the public URL is reachable once server.url is a public https address', async () => {
    const previous = app.strapi.config.get('server.url');
    try {
      app.strapi.config.set('server.url', 'https://cms.example.com/');
      const res = await as(readerToken).get();
      expect(res.body.meta.publicUrl).toEqual({ url: 'https://cms.example.com', reachable: true, problems: [] });
      expect(res.body.meta.endpoints.usersInfo).toBe('https://cms.example.com/api/imbachat/v1/users');
    } finally {
      app.strapi.config.set('server.url', previous);
    }
  });

  it('says whether users-permissions confirms email addresses (the notifications part warns while it does not)', async () => {
    const advanced = app.strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
    const before = await advanced.get({});
    try {
      await advanced.set({ value: { ...(before as object), email_confirmation: false } });
      expect((await as(readerToken).get()).body.meta.emailConfirmation).toBe(false);
      await advanced.set({ value: { ...(before as object), email_confirmation: true } });
      expect((await as(readerToken).get()).body.meta.emailConfirmation).toBe(true);
    } finally {
      await advanced.set({ value: before });
    }
  });

  it('answers 401 without an admin token', async () => {
    expect((await app.http().get('/imbachat/settings')).status).toBe(401);
  });

  it('answers 403 to an admin whose role lacks the read permission', async () => {
    const res = await as(editorToken).get();
    expect(res.status).toBe(403);
  });

  it('answers an admin with the read permission', async () => {
    expect((await as(readerToken).get()).status).toBe(200);
  });
});

describe('PUT /imbachat/settings', () => {
  it('saves a partial update and answers like GET', async () => {
    const res = await as(superToken).put({ widgetId: 'w-9', apiLogin: 'chat', apiPassword: API_PASSWORD, secretKey: SECRET });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ widgetId: 'w-9', apiLogin: 'chat', apiPasswordSet: true, secretKeySet: true });
    expect(res.body.data).not.toHaveProperty('apiPassword');
    expect(res.body.data).not.toHaveProperty('secretKey');

    const kept = await as(superToken).put({ tokenTtlSeconds: 7200 });
    expect(kept.body.data).toMatchObject({ widgetId: 'w-9', tokenTtlSeconds: 7200, apiPasswordSet: true });
  });

  it('keeps the values across a read from the database', async () => {
    await saveConfigured();
    app.strapi.plugin('imbachat').service('settings').invalidate();
    const res = await as(superToken).get();
    expect(res.body.data).toMatchObject({ widgetId: 'w-9', tokenTtlSeconds: 7200, secretKeySet: true });
  });

  it('clears a value with null', async () => {
    await saveConfigured();
    const res = await as(superToken).put({ secretKey: null, tokenTtlSeconds: null });
    expect(res.body.data).toMatchObject({ secretKeySet: false, tokenTtlSeconds: 3600, apiPasswordSet: true });
  });

  it.each([
    ['tokenTtlSeconds', 5],
    ['tokenTtlSeconds', '3600'],
    ['searchMode', 'fuzzy'],
    ['widgetScriptUrl', 'javascript:alert(1)'],
    ['widgetScriptUrl', 'http://evil.example/x.js'],
    ['widgetScriptUrl', 'http://api.imbachat.com/imbachat/v1/{widgetId}/widget'],
    ['widgetScriptUrl', 'https://evil.example/x.js'],
    ['widgetScriptUrl', 'https://imbachat.com.evil.example/x.js'],
    ['widgetScriptUrl', 'https://imbachat.com@evil.example/x.js'],
    ['widgetScriptUrl', 'https://evilimbachat.com/x.js'],
    ['secretKey', 'fifteen-chars-k'],
    ['profileUrlTemplate', 'not a url'],
    ['apiLogin', 'has:colon'],
    ['shareEmail', 'yes'],
    ['idSeparator', ''],
    ['nameField', 'password'],
    ['nameField', 'nope'],
    ['avatarField', 'email'],
    ['avatarField', 'confirmed'],
    ['avatarField', 'role'],
    ['siteUrl', 'http://evil.example'],
    ['siteUrl', 'javascript:alert(1)'],
    ['siteUrl', 'https://www.example.com/#x'],
    ['notifyMaxPerMinute', 0],
    ['notifyMaxPerMinute', 10001],
  ])('refuses %s = %p with 400 naming the field', async (key, value) => {
    const res = await as(superToken).put({ [key]: value });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.'))).toContain(key);
  });

  it.each([
    ['https://imbachat.com/{widgetId}/widget.js', 'https://imbachat.com/w-9/widget.js'],
    ['https://cdn.eu.imbachat.com/w/{widgetId}', 'https://cdn.eu.imbachat.com/w/w-9'],
  ])('accepts the widget script URL %s on imbachat.com and hands it to the front end', async (template, served) => {
    await saveConfigured();
    expect((await as(superToken).put({ widgetScriptUrl: template })).status).toBe(200);
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.body.script_url).toBe(served);
  });

  it('accepts a 16-character secret key, the shortest it takes', async () => {
    const res = await as(superToken).put({ secretKey: 'sixteen-chars-ok' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ secretKeySet: true });
  });

  it('accepts an API password shorter than 12 characters but says so', async () => {
    const short = await as(superToken).put({ apiPassword: 'eleven-char' });
    expect(short.status).toBe(200);
    expect(short.body.data).toMatchObject({ apiPasswordSet: true, apiPasswordShort: true });
    const long = await as(superToken).put({ apiPassword: 'twelve-chars' });
    expect(long.body.data).toMatchObject({ apiPasswordSet: true, apiPasswordShort: false });
  });

  it.each([
    ['apiPassword', 123456789],
    ['secretKey', 987654321012],
    ['apiPassword', { nested: 'value-747474' }],
    ['secretKey', ['value-565656']],
    ['secretKey', 'short-383838'],
  ])('never echoes a refused %s (%p) in the answer or the log', async (key, value) => {
    const read = logFromNow(app);
    const res = await as(superToken).put({ [key]: value });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path[0])).toEqual([key]);
    const digits = JSON.stringify(value).match(/\d{6,}/)![0];
    expect(res.text).not.toContain(digits);
    // The request's own access-log line is written with whatever else it logged: wait for it.
    const log = await logged(read, 'PUT /imbachat/settings');
    expect(log).toContain('PUT /imbachat/settings');
    expect(log).not.toContain(digits);
  });

  it('never echoes a refused secret back', async () => {
    const tooLong = `${SECRET}-${'x'.repeat(600)}`;
    const res = await as(superToken).put({ secretKey: tooLong, apiPassword: tooLong });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path[0]).sort()).toEqual(['apiPassword', 'secretKey']);
    expect(res.text).not.toContain('xxxxxxxxxx');
  });

  it('refuses an unknown key with 400', async () => {
    const res = await as(superToken).put({ apiPasswordSet: false });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/apiPasswordSet/);
  });

  it('answers 403 to an admin with read but not update permission', async () => {
    await saveConfigured();
    const res = await as(readerToken).put({ widgetId: 'hijack' });
    expect(res.status).toBe(403);
    expect((await as(superToken).get()).body.data.widgetId).toBe('w-9');
  });

  it('takes nameField and avatarField from the site\'s own user attributes', async () => {
    const res = await as(superToken).put({ nameField: 'displayName', avatarField: 'avatar' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ nameField: 'displayName', avatarField: 'avatar' });
  });
});

describe('POST /imbachat/settings/test', () => {
  beforeEach(async () => {
    await configure(app.strapi, { apiLogin: 'chat', apiPassword: API_PASSWORD });
  });

  it('calls the users-info URL over HTTP with the stored credentials', async () => {
    const user = await createSiteUser(app.strapi, { username: 'tested' });
    const res = await as(superToken).test({ user_ids: `${user.id}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      status: 200,
      url: expect.stringMatching(new RegExp(`/api/imbachat/v1/users\\?user_ids=${user.id}$`)),
      durationMs: expect.any(Number),
      body: [{ user_id: user.id, name: 'tested' }],
      credentials: 'saved',
    });
  });

  it('shows the chat-server answer when the credentials are not set', async () => {
    await configure(app.strapi, { apiPassword: null });
    const res = await as(superToken).test({ user_ids: '1' });
    expect(res.body).toMatchObject({ ok: false, status: 503, body: { code: 503, error: expect.stringMatching(/not configured/) } });
  });

  it('never sends the credentials where a forged Host header points', async () => {
    const res = await as(superToken).test({ user_ids: '1' }).set('Host', 'attacker.example');
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/imbachat\/v1\/users\?user_ids=1$/);
    expect(res.body.ok).toBe(true);
  });

  it('refuses user_ids that are not a string', async () => {
    expect((await as(superToken).test({ user_ids: { a: 1 } })).status).toBe(400);
  });

  it('answers 403 to an admin without the update permission', async () => {
    expect((await as(readerToken).test({ user_ids: '1' })).status).toBe(403);
  });
});
