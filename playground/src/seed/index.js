const fs = require('fs');
const os = require('os');
const path = require('path');

// Demo values for a playground only: never use them on a real site.
const ADMIN = { email: 'admin@example.com', password: 'Imbachat-admin-1', firstname: 'Ada', lastname: 'Admin' };
const USER_PASSWORD = 'Imbachat-user-1';
const SITE_USERS = [
  {
    username: 'alice',
    email: 'alice@example.com',
    displayName: 'Alice Liddell',
    firstName: 'Alice',
    lastName: 'Liddell',
    friends: ['bob', 'carol'],
    avatar: 'alice.png',
    badge: 'Founder',
    plan: 'pro',
    level: 7,
    lastVisit: '2026-11-20T10:00:00.000Z',
  },
  {
    username: 'bob',
    email: 'bob@example.com',
    displayName: 'Bob Builder',
    firstName: 'Bob',
    lastName: 'Builder',
    role: 'moderator',
    plan: 'free',
    friends: ['alice', 'mallory'],
  },
  { username: 'carol', email: 'carol@example.com', firstName: 'Carol', friends: ['alice'] },
  { username: 'mallory', email: 'mallory@example.com', displayName: 'Mallory (blocked)', blocked: true },
];
const DEMO_SETTINGS = {
  widgetId: 'demo-widget',
  apiLogin: 'imbachat',
  apiPassword: 'imbachat-demo-password',
  secretKey: 'imbachat-demo-secret-key-change-me-0123456789',
  nameField: 'displayName',
  avatarField: 'avatar',
  profileUrlTemplate: 'http://localhost:1337/members/{username}/',
  friendsField: 'friends',
};

const uploadAvatar = async (strapi, file) => {
  // The upload plugin may move its input, so it gets a copy, removed afterwards.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-seed-'));
  const copy = path.join(folder, file);
  fs.copyFileSync(path.join(strapi.dirs.app.root, 'src', 'seed', file), copy);
  try {
    const [uploaded] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name: file, alternativeText: 'Avatar' } },
        files: { filepath: copy, originalFilename: file, mimetype: 'image/png', size: fs.statSync(copy).size },
      });
    return uploaded.id;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
};

const seedAdmin = async (strapi) => {
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await strapi.service('admin::user').create({ ...ADMIN, isActive: true, roles: [superAdmin.id] });
};

const seedSiteUsers = async (strapi) => {
  const roles = strapi.db.query('plugin::users-permissions.role');
  const role = await roles.findOne({ where: { type: 'authenticated' } });
  // A second role, so the Roles section of Settings → ImbaChat has something to map (bob holds it).
  const moderator =
    (await roles.findOne({ where: { type: 'moderator' } })) ??
    (await roles.create({ data: { name: 'Moderator', description: 'Keeps the chat friendly', type: 'moderator' } }));
  // The demo page lists the site's users for its "Write message" buttons (playground only).
  await strapi.db
    .query('plugin::users-permissions.permission')
    .create({ data: { action: 'plugin::users-permissions.user.find', role: role.id } });
  const users = strapi.plugin('users-permissions').service('user');
  const ids = {};
  for (const { avatar, role: roleType, friends, ...user } of SITE_USERS) {
    ids[user.username] = (await users.add({
      ...user,
      password: USER_PASSWORD,
      provider: 'local',
      confirmed: true,
      blocked: user.blocked === true,
      role: roleType === 'moderator' ? moderator.id : role.id,
      avatar: avatar ? await uploadAvatar(strapi, avatar) : undefined,
    })).id;
  }
  // Friends once everyone exists (the `friends` relation: Settings → ImbaChat → Users in the chat → Friends).
  for (const { username, friends = [] } of SITE_USERS) {
    if (friends.length === 0) continue;
    await strapi.db
      .query('plugin::users-permissions.user')
      .update({ where: { id: ids[username] }, data: { friends: friends.map((name) => ids[name]) } });
  }
};

const seedSettings = async (strapi) => {
  const settings = strapi.plugin('imbachat').service('settings');
  const locked = new Set(settings.lockedKeys());
  const unlocked = Object.fromEntries(Object.entries(DEMO_SETTINGS).filter(([key]) => !locked.has(key)));
  await settings.update(unlocked);
};

/**
 * The curl line that tries the users-info route. It shows the API password only while it is the
 * playground's demo one: a real password (say, from IMBACHAT_API_PASSWORD) never lands in a terminal or log.
 */
const curlLines = ({ api, apiLogin, apiPassword }) => {
  const url = `${api}/v1/users?user_ids=1,2,3`;
  if (apiPassword === DEMO_SETTINGS.apiPassword) return [`    curl -u '${apiLogin}:${apiPassword}' '${url}'`];
  const why = apiPassword ? 'it is not the demo one, so it is not shown' : 'none is set yet: see Settings → ImbaChat → Connection';
  return [`    curl -u '${apiLogin}:<your API password>' '${url}'`, `    (API password: ${why})`];
};

/** What the playground prints once it listens, given its base URL and the plugin's settings. */
const welcomeLines = ({ base, apiLogin, apiPassword }) => {
  const api = `${base}/api/imbachat`;
  return [
    '',
    '  ImbaChat playground',
    `  Chat demo page    ${base}/chat-demo/`,
    `  Admin panel       ${base}/admin`,
    `  ImbaChat settings ${base}/admin/settings/imbachat/connection`,
    `  Admin login       ${ADMIN.email} / ${ADMIN.password}`,
    `  Site users        ${SITE_USERS.map((u) => u.username).join(', ')} (password ${USER_PASSWORD}; bob is a moderator, mallory is blocked)`,
    `  Users info URL    ${api}/v1/users`,
    `  Search URL        ${api}/v1/search`,
    `  Auth users URL    ${api}/v1/auth_users`,
    `  API version URL   ${api}/v1`,
    `  Chat token URL    ${api}/token   (Authorization: Bearer <users-permissions JWT>)`,
    `  Widget URL        ${api}/widget`,
    '',
    '  Try it:',
    ...curlLines({ api, apiLogin, apiPassword }),
    '',
  ];
};

const printWelcome = async (strapi) => {
  const base = strapi.config.get('server.url') || `http://localhost:${strapi.config.get('server.port')}`;
  const { apiLogin, apiPassword } = await strapi.plugin('imbachat').service('settings').get();
  console.log(welcomeLines({ base, apiLogin, apiPassword }).join('\n'));
};

/** Fills an empty database with an admin, site users and demo settings, then says where to go. */
const seedPlayground = async (strapi) => {
  const fresh = (await strapi.db.query('admin::user').count()) === 0;
  if (fresh) {
    await seedAdmin(strapi);
    await seedSiteUsers(strapi);
    await seedSettings(strapi);
    strapi.log.info('[playground] seeded an admin, site users and demo ImbaChat settings');
  }
  if (process.env.IMBACHAT_PLAYGROUND_QUIET === 'true') return;
  // After Strapi's own start-up banner, so this is the last thing on screen.
  strapi.server.httpServer.once('listening', () =>
    setTimeout(() => printWelcome(strapi).catch(strapi.log.error), 500)
  );
};

module.exports = { seedPlayground, printWelcome, welcomeLines, ADMIN, USER_PASSWORD, SITE_USERS, DEMO_SETTINGS };
