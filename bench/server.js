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
  // SQLite in a file of its own unless bench/search.js hands over a fresh PostgreSQL or MariaDB database.
  DATABASE_CLIENT: process.env.BENCH_DATABASE_CLIENT || 'sqlite',
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
      // What the chat-identity settings read: a badge and a last visit.
      plan: n % 2 ? 'pro' : 'free',
      lastVisit: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await strapi.db.query(USER_UID).createMany({ data: rows.slice(i, i + 500) });
  }
  // Each user a role, every third a moderator (createMany writes no relations): the link table as a site has it.
  const meta = strapi.db.metadata.get(USER_UID);
  const link = meta.attributes.role.joinTable;
  const roles = strapi.db.query('plugin::users-permissions.role');
  const authenticated = await roles.findOne({ where: { type: 'authenticated' } });
  const moderator =
    (await roles.findOne({ where: { type: 'moderator' } })) ?? (await roles.create({ data: { name: 'Moderator', type: 'moderator' } }));
  const knex = strapi.db.connection;
  const unlinked = await knex(meta.tableName)
    .select('id')
    .whereNotIn('id', knex(link.name).select(link.joinColumn.name));
  const links = unlinked.map(({ id }) => ({
    [link.joinColumn.name]: id,
    [link.inverseJoinColumn.name]: id % 3 === 0 ? moderator.id : authenticated.id,
  }));
  for (let i = 0; i < links.length; i += 500) await knex(link.name).insert(links.slice(i, i + 500));
  seeded += count;
  return { seeded, ms: Date.now() - started };
};

/** Given names and family names the bulk seed combines: some beyond ASCII, as real sites have. */
const GIVEN = ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Sophia', 'Elijah', 'Zoë', 'Jürgen', 'Ólafur', 'Søren',
  'Łukasz', 'Мария', 'Андрей', 'Chloé', 'Mateo', 'Aiko', 'Priya', 'Fatima', 'Hugo', 'Ines', 'Kenji', 'Lars', 'Maya',
  'Nadia', 'Omar', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Wei', 'Yara', 'Ève', 'İlker', 'Ana', 'Björn', 'Carmen', 'Dmitri', 'Elif'];
const FAMILY = ['Smith', 'Jones', 'García', 'Müller', 'Rossi', 'Dubois', 'Novák', 'Kowalski', 'Ivanova', 'Tanaka',
  'Nguyen', 'Silva', 'Öztürk', 'Johansson', 'Andersen', 'Fischer', 'Moreau', 'Costa', 'Horváth', 'Popescu', 'Kim',
  'Chen', 'Patel', 'Khan', 'Santos', 'Lopez', 'Brown', 'Wilson', 'Taylor', 'Martin', 'Żak', 'Østergaard', 'Quinn',
  'Reyes', 'Sato', 'Weber', 'Young', 'Ziegler', 'Åberg', 'Łopez'];
const nameOf = (n) => {
  // A fixed scramble of n: the same site every run, names not in id order.
  const h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return { given: GIVEN[h % GIVEN.length], family: FAMILY[(h >>> 8) % FAMILY.length] };
};

/**
 * Site users straight into the table with plain SQL, many to a statement, bypassing Strapi (so its
 * lifecycle events do not run: the search index is rebuilt after, as README says for such writes).
 */
const bulkSeed = async (strapi, total) => {
  const started = Date.now();
  const knex = strapi.db.connection;
  const meta = strapi.db.metadata.get(USER_UID);
  const col = (name) => meta.attributes[name].columnName || name;
  const [{ count }] = await knex(meta.tableName).count({ count: '*' });
  const have = Number(count);
  const now = new Date();
  const rowAt = (n) => {
    const { given, family } = nameOf(n);
    const username = `${given.toLowerCase()}${n}`;
    return {
      [col('documentId')]: documentId(),
      [col('username')]: username,
      [col('email')]: `${username}@example.test`,
      [col('displayName')]: `${given} ${family}`,
      [col('firstName')]: given,
      [col('lastName')]: family,
      [col('provider')]: 'local',
      [col('confirmed')]: true,
      [col('blocked')]: n % 97 === 0,
      [col('createdAt')]: now,
      [col('updatedAt')]: now,
    };
  };
  if (strapi.db.dialect.client === 'sqlite') {
    // One prepared statement in one transaction on better-sqlite3's own handle: a million rows in seconds.
    const columns = Object.keys(rowAt(0));
    const connection = await knex.client.acquireConnection();
    try {
      const insert = connection.prepare(
        `INSERT INTO ${meta.tableName} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
      );
      connection.transaction(() => {
        for (let n = have; n < total; n += 1) {
          const row = rowAt(n);
          insert.run(columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : row[c] instanceof Date ? row[c].getTime() : row[c])));
        }
      })();
    } finally {
      await knex.client.releaseConnection(connection);
    }
  } else if (strapi.db.dialect.client === 'postgres') {
    // Column by column as arrays: 10,000 rows a statement, unpacked by unnest().
    const columns = Object.keys(rowAt(0));
    const cast = (value) => (typeof value === 'boolean' ? 'boolean' : value instanceof Date ? 'timestamptz' : 'text');
    const types = columns.map((c) => cast(rowAt(0)[c]));
    await knex.transaction(async (trx) => {
      for (let start = have; start < total; start += 10_000) {
        const rows = [];
        for (let n = start; n < Math.min(total, start + 10_000); n += 1) rows.push(rowAt(n));
        await trx.raw(
          `INSERT INTO ?? (${columns.map(() => '??').join(', ')}) SELECT * FROM unnest(${types.map((t) => `?::${t}[]`).join(', ')})`,
          [meta.tableName, ...columns, ...columns.map((c) => rows.map((row) => row[c]))]
        );
      }
    });
  } else {
    await knex.transaction(async (trx) => {
      for (let start = have; start < total; start += 5000) {
        const rows = [];
        for (let n = start; n < Math.min(total, start + 5000); n += 1) rows.push(rowAt(n));
        await trx(meta.tableName).insert(rows);
      }
    });
  }
  return { users: Math.max(total, have), ms: Date.now() - started };
};

/** Terms a chat user might type, drawn from the site's own users (so they find someone). */
const searchTerms = async (strapi, count) => {
  const meta = strapi.db.metadata.get(USER_UID);
  const col = (name) => meta.attributes[name].columnName || name;
  const [{ max }] = await strapi.db.connection(meta.tableName).max({ max: col('id') });
  const terms = { exact: [], prefix: [], contains: [], mixed: [], ids10: [] };
  let seed = 12345;
  const random = (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let i = 0; i < count; i += 1) {
    const id = 1 + random(Number(max));
    const row = await strapi.db.connection(meta.tableName).first({ name: col('displayName'), username: col('username') }).where(col('id'), '>=', id);
    const name = row.name;
    terms.exact.push(name.toUpperCase());
    terms.prefix.push(name.slice(0, 3 + random(4)).toUpperCase());
    const from = random(Math.max(1, name.length - 4));
    // Trigrams every user's email has and rare ones, as `ember10000` has among `member…` users:
    // a username's number and the address's domain.
    const mixed = `${/\d*$/.exec(row.username)[0]}@example`;
    terms.contains.push(i % 2 ? name.slice(from, from + 4) : i % 4 === 0 ? row.username.slice(-5, -1) : mixed);
    terms.mixed.push(mixed);
    terms.ids10.push(Array.from({ length: 10 }, () => 1 + random(Number(max))).join(','));
  }
  return terms;
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
    // BENCH_NAME_TEMPLATE=true: the name from the template (the same text as displayName), so search reads it.
    ...(process.env.BENCH_NAME_TEMPLATE === 'true' ? { nameTemplate: '{firstName} {lastName}' } : {}),
  });
  const jwt = await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  return { userId: user.id, jwt, login: 'bench', password: 'bench-api-password' };
};

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: PLAYGROUND, distDir: path.join(PLAYGROUND, 'dist') }).load();
  const credentials = await setup(strapi);
  let queries = 0;
  let profiler;
  let recordStatus;
  // The status's batched write (every 5 s, whatever the traffic) is no request's own statement.
  strapi.db.connection.on('query', (query) => {
    if (!String(query.sql).includes('imbachat_status')) queries += 1;
  });
  await strapi.listen();
  const { port } = strapi.server.httpServer.address();

  const commands = {
    seed: ({ count }) => seedUsers(strapi, count),
    bulkSeed: ({ total }) => bulkSeed(strapi, total),
    rebuildSearch: () => strapi.plugin('imbachat').service('searchIndex').rebuild(),
    searchTerms: ({ count }) => searchTerms(strapi, count),
    settings: ({ values }) => strapi.plugin('imbachat').service('settings').update(values).then(() => ({})),
    // The chat server's status (issue #20) off and on, for the benchmark alone: off, a call is not
    // noted at all (the plugin has no such switch; its guard calls the service's record each time).
    statusRecording: ({ on }) => {
      const status = strapi.plugin('imbachat').service('status');
      recordStatus ??= status.record;
      status.record = on ? recordStatus : () => undefined;
      return {};
    },
    // The users service alone, in-process (the SQL and the chat users built, no HTTP): µs a call,
    // the median of five stretches of `calls` calls for the same `count` ids.
    usersCost: async ({ count, calls }) => {
      const users = strapi.plugin('imbachat').service('users');
      const ids = Array.from({ length: count }, (_, i) => i + 2);
      const settings = await strapi.plugin('imbachat').service('settings').get();
      const stretch = async () => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < calls; i += 1) await users.findByIds(ids, 'https://site.test', settings);
        return Number(process.hrtime.bigint() - started) / calls / 1000;
      };
      await stretch();
      const times = [];
      for (let i = 0; i < 5; i += 1) times.push(await stretch());
      return { us: times.sort((a, b) => a - b)[2] };
    },
    // The status's record alone, in-process: µs a call, the median of five stretches of `calls` calls.
    statusCost: ({ calls }) => {
      const status = strapi.plugin('imbachat').service('status');
      const record = recordStatus ?? status.record;
      const stretch = () => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < calls; i += 1) record('usersInfo', 200, '203.0.113.7');
        return Number(process.hrtime.bigint() - started) / calls / 1000;
      };
      stretch();
      const times = [];
      for (let i = 0; i < 5; i += 1) times.push(stretch());
      return { us: times.sort((a, b) => a - b)[2] };
    },
    resetQueries: () => {
      queries = 0;
      return {};
    },
    queries: () => ({ queries }),
    // The site's CPU profile of one stretch of load only (start-up and seeding left out).
    profileStart: async () => {
      const inspector = require('node:inspector');
      profiler = new inspector.Session();
      profiler.connect();
      const post = (method, params = {}) => new Promise((ok, fail) => profiler.post(method, params, (e, r) => (e ? fail(e) : ok(r))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 100 });
      await post('Profiler.start');
      profiler.postAsync = post;
      return {};
    },
    profileStop: async ({ file }) => {
      const { profile } = await profiler.postAsync('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      profiler.disconnect();
      return { file };
    },
    // The site's own CPU time (µs): per request, a figure other load on the machine barely moves.
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return { us: user + system, user, system };
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
      process.send({ id, error: String(error.message).slice(0, 500) });
    }
  });
  process.send({ ready: true, port, ...credentials });
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
