// The benchmark's site: the playground in production mode on a fresh SQLite file, with site users
// seeded in bulk. Started by bench/run.js (or scripts/load.js) as a child process; answers its
// commands over IPC and never serves anything but 127.0.0.1.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PLAYGROUND = path.resolve(__dirname, '..', 'playground');
const USER_UID = 'plugin::users-permissions.user';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-bench-'));
fs.mkdirSync(path.join(dir, 'public', 'uploads'), { recursive: true });

Object.assign(process.env, {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_PORT || '0',
  DATABASE_CLIENT: 'sqlite',
  DATABASE_FILENAME: path.join(dir, 'data.db'),
  PUBLIC_DIR: path.join(dir, 'public'),
  IMBACHAT_PLAYGROUND_SEED: 'false',
  SERVE_ADMIN_PANEL: 'false',
  LOG_LEVEL: 'warn',
  STRAPI_TELEMETRY_DISABLED: 'true',
});

const documentId = () => crypto.randomBytes(12).toString('hex');

let seeded = 0;
/** Site users straight into the table, 500 a statement: 10,000 take about a second. */
const seedUsers = async (strapi, count) => {
  const started = Date.now();
  const rows = [];
  for (let i = 0; i < count; i += 1) {
    const n = seeded + i;
    rows.push({
      documentId: documentId(),
      username: `member${n}`,
      email: `member${n}@example.test`,
      displayName: `Member ${n} ${n % 2 ? 'Smith' : 'Jones'}`,
      provider: 'local',
      confirmed: true,
      blocked: false,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await strapi.db.query(USER_UID).createMany({ data: rows.slice(i, i + 500) });
  }
  seeded += count;
  return { seeded, ms: Date.now() - started };
};

const setup = async (strapi) => {
  const roles = strapi.db.query('plugin::users-permissions.role');
  const authenticated = await roles.findOne({ where: { type: 'authenticated' } });
  const publicRole = await roles.findOne({ where: { type: 'public' } });
  // Strapi's own users find, for comparison: granted to the public for the benchmark only.
  await strapi.db
    .query('plugin::users-permissions.permission')
    .create({ data: { action: 'plugin::users-permissions.user.find', role: publicRole.id } });
  const user = await strapi.plugin('users-permissions').service('user').add({
    username: 'bench',
    email: 'bench@example.test',
    password: 'Bench-pass-1',
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: authenticated.id,
    displayName: 'Bench User',
  });
  await strapi.plugin('imbachat').service('settings').update({
    widgetId: 'bench-widget',
    apiLogin: 'bench',
    apiPassword: 'bench-api-password',
    secretKey: 'bench-secret-key',
    nameField: 'displayName',
  });
  const jwt = await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  return { userId: user.id, jwt, login: 'bench', password: 'bench-api-password' };
};

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: PLAYGROUND, distDir: path.join(PLAYGROUND, 'dist') }).load();
  const credentials = await setup(strapi);
  let queries = 0;
  strapi.db.connection.on('query', () => {
    queries += 1;
  });
  await strapi.listen();
  const { port } = strapi.server.httpServer.address();

  const commands = {
    seed: ({ count }) => seedUsers(strapi, count),
    settings: ({ values }) => strapi.plugin('imbachat').service('settings').update(values).then(() => ({})),
    resetQueries: () => {
      queries = 0;
      return {};
    },
    queries: () => ({ queries }),
    // The site's own CPU time (µs): per request, a figure other load on the machine barely moves.
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return { us: user + system };
    },
    // After a full collection, so two readings compare what is really kept.
    memory: () => {
      global.gc?.();
      return process.memoryUsage();
    },
    stop: async () => {
      await strapi.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
      return {};
    },
  };
  process.on('message', async ({ id, command, ...args }) => {
    try {
      process.send({ id, result: await commands[command](args) });
    } catch (error) {
      process.send({ id, error: error.message });
    }
  });
  process.send({ ready: true, port, ...credentials });
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
