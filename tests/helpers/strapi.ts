import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Core } from '@strapi/strapi';
import { createTestDatabase, type DatabaseServer, type TestDatabase } from './database';

export const PLAYGROUND = path.resolve(__dirname, '..', '..', 'playground');
const USER_UID = 'plugin::users-permissions.user';

/** Env vars the playground's config reads; each boot sets them afresh so suites never leak into each other. */
const MANAGED_ENV = [
  'ENCRYPTION_KEY',
  'IMBACHAT_WIDGET_ID',
  'IMBACHAT_WIDGET_SCRIPT_URL',
  'IMBACHAT_API_LOGIN',
  'IMBACHAT_API_PASSWORD',
  'IMBACHAT_SECRET_KEY',
  'IMBACHAT_TOKEN_TTL',
  'IMBACHAT_NAME_FIELD',
  'IMBACHAT_AVATAR_FIELD',
  'IMBACHAT_CHAT_ROLES',
  'IMBACHAT_ROLE_MAP',
  'IMBACHAT_GUESTS', 'IMBACHAT_WIDGET_OPTIONS',
  'IMBACHAT_TRUSTED_IPS',
  'PROXY_KOA',
  'PROXY_MAX_IPS',
  'PUBLIC_URL',
  'IMBACHAT_PROFILES_HOOK',
  'IMBACHAT_NAME_TEMPLATE',
  'IMBACHAT_FRIENDS_FIELD',
  'IMBACHAT_FRIENDS_HOOK',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_SECURE',
  'SMTP_USERNAME',
  'SMTP_PASSWORD',
  'SMTP_FROM',
  'PLAYGROUND_GRAPHQL',
];

export interface TestApp {
  strapi: Core.Strapi;
  /** supertest against the in-process HTTP server; every answer is kept for the leak check. */
  http(): request.Agent;
  responses: { status: number; text: string; headers: Record<string, string> }[];
  dir: string;
  database?: TestDatabase;
  /** Everything Strapi logged in this test file, debug level included (every boot of the file writes here). */
  logFile: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The playground's config/logger.js is loaded once per test file (jest's module registry), so every
 * boot in a file logs to the file the first boot named: one log per test file, kept outside the
 * apps' folders (which close() removes). IMBACHAT_TEST_LOGS comes from tests/helpers/global-setup.js,
 * whose teardown removes the folder.
 */
let fileLog: string | undefined;
const logFileOfThisTestFile = () => {
  if (!fileLog) {
    const root = process.env.IMBACHAT_TEST_LOGS ?? os.tmpdir();
    fs.mkdirSync(root, { recursive: true });
    fileLog = path.join(fs.mkdtempSync(path.join(root, 'imbachat-log-')), 'strapi.log');
  }
  return fileLog;
};

export interface StartOptions {
  env?: Record<string, string>;
  seed?: boolean;
  /** Boot again on the database and folders of an app closed with `keepData` (a restart). */
  reuse?: TestApp;
  /** A database server of the test's own (a throw-away one) instead of the shared server: its client wins over DATABASE_CLIENT. */
  server?: DatabaseServer & { client: 'postgres' | 'mysql' };
}

/** Boots the playground in-process on a fresh SQLite file of its own. */
export const startStrapi = async ({ env = {}, seed = false, reuse, server }: StartOptions = {}): Promise<TestApp> => {
  const dir = reuse?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-test-'));
  if (!reuse) {
    fs.mkdirSync(path.join(dir, 'public', 'uploads'), { recursive: true });
    // The playground's static pages (the chat demo), beside this run's own uploads folder.
    fs.cpSync(path.join(PLAYGROUND, 'public', 'chat-demo'), path.join(dir, 'public', 'chat-demo'), { recursive: true });
  }
  for (const key of MANAGED_ENV) delete process.env[key];
  const client = server?.client ?? process.env.DATABASE_CLIENT ?? 'sqlite';
  const database: TestDatabase | undefined =
    reuse?.database ?? (client === 'sqlite' ? undefined : await createTestDatabase(client, undefined, server));
  Object.assign(process.env, {
    DATABASE_CLIENT: client,
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    ...database?.env,
    PUBLIC_DIR: path.join(dir, 'public'),
    IMBACHAT_PLAYGROUND_SEED: seed ? 'true' : 'false',
    IMBACHAT_PLAYGROUND_QUIET: 'true',
    IMBACHAT_LOG_FILE: logFileOfThisTestFile(),
    SERVE_ADMIN_PANEL: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'none',
    ...env,
  });

  const { createStrapi } = await import('@strapi/strapi');
  let strapi: Core.Strapi;
  try {
    strapi = await createStrapi({ appDir: PLAYGROUND, distDir: path.join(PLAYGROUND, 'dist') }).load();
  } catch (error) {
    await global.strapi?.destroy().catch(() => undefined);
    if (!reuse) {
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    throw error;
  }
  strapi.server.mount();

  const responses: TestApp['responses'] = [];
  const http = () => {
    const agent = request.agent(strapi.server.httpServer);
    agent.on('response', (res: request.Response) => {
      responses.push({ status: res.status, text: res.text ?? '', headers: res.headers as Record<string, string> });
    });
    return agent;
  };

  return {
    strapi,
    http,
    responses,
    dir,
    database,
    logFile: logFileOfThisTestFile(),
    async close({ keepData = false } = {}) {
      await strapi.destroy();
      if (keepData) return;
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const settingsService = (strapi: Core.Strapi) => strapi.plugin('imbachat').service('settings');

export const configure = (strapi: Core.Strapi, values: Record<string, unknown>) => settingsService(strapi).update(values);

let userCounter = 0;

export interface SiteUserInput {
  username?: string;
  email?: string;
  password?: string;
  blocked?: boolean;
  confirmed?: boolean;
  displayName?: string | null;
  avatar?: number;
}

/** A site user made the way Strapi makes them (hashed password, authenticated role). */
export const createSiteUser = async (strapi: Core.Strapi, input: SiteUserInput = {}) => {
  userCounter += 1;
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const username = input.username ?? `user${userCounter}`;
  const user = (await strapi.plugin('users-permissions').service('user').add({
    email: `${username.toLowerCase()}@example.test`,
    password: 'Secret-pass-1',
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: role.id,
    ...input,
    username,
  })) as { id: number; documentId: string; username: string; email: string };
  // The plugin's search index follows a write once it is committed: tests that read the index go on from there.
  await strapi.plugin('imbachat').service('searchIndex').followed();
  return user;
};

/** Site users by these usernames, one after another (each committed before the next is made). */
export const createSiteUsers = async (strapi: Core.Strapi, usernames: string[]) => {
  const users = [];
  for (const username of usernames) users.push(await createSiteUser(strapi, { username }));
  return users;
};

/** Many site users at once, straight into the table (no relations needed for these tests). */
export const insertSiteUsers = async (strapi: Core.Strapi, count: number, prefix = 'bulk') => {
  const rows = Array.from({ length: count }, (_, i) => ({
    username: `${prefix}${i}`,
    email: `${prefix}${i}@example.test`,
    provider: 'local',
    confirmed: true,
    blocked: false,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await strapi.db.query(USER_UID).createMany({ data: rows.slice(i, i + 500) });
  }
  const created = await strapi.db.query(USER_UID).findMany({
    select: ['id'],
    where: { username: { $startsWith: prefix } },
    orderBy: { id: 'asc' },
  });
  return created.map((row: { id: number }) => row.id);
};

/** Uploads an image through Strapi's upload plugin and returns the file. */
export const uploadImage = async (strapi: Core.Strapi, file = path.join(PLAYGROUND, 'src', 'seed', 'alice.png')) => {
  // The upload plugin may move its input, so it gets a copy, removed afterwards.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-upload-'));
  const copy = path.join(folder, path.basename(file));
  fs.copyFileSync(file, copy);
  try {
    const [uploaded] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name: path.basename(file) } },
        files: { filepath: copy, originalFilename: path.basename(file), mimetype: 'image/png', size: fs.statSync(copy).size },
      });
    return uploaded as { id: number; url: string };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
};

/** A users-permissions JWT, as the site's front end gets one from /api/auth/local. */
export const siteUserJwt = (strapi: Core.Strapi, id: number): Promise<string> =>
  Promise.resolve(strapi.plugin('users-permissions').service('jwt').issue({ id }));

/**
 * Counts the SQL statements run while `work` runs. The chat server's status is written by a timer
 * every 5 s whatever the requests (tests/integration/status.test.ts pins that): no request's own
 * statement, so it is not counted.
 */
/**
 * The SQL statements that HTTP requests answered during `work` send. A statement counts only when it
 * runs in the asynchronous context of a request still being answered, so the plugin's own timers
 * (outbox poll, search-index check, chat-server status flush) and work a test started before (a
 * user's lifecycle refresh) never add to them, however they fall.
 */
export const requestStatements = async (strapi: Core.Strapi, work: () => Promise<unknown>) => {
  type Answering = { open: boolean };
  const context = new AsyncLocalStorage<Answering>();
  const server = strapi.server.httpServer;
  // Runs before Koa's own listener: what Koa then does for this request carries the marker.
  const onRequest = (_request: unknown, response: { once: (event: string, done: () => void) => void }) => {
    const answering: Answering = { open: true };
    response.once('finish', () => (answering.open = false));
    response.once('close', () => (answering.open = false));
    context.enterWith(answering);
  };
  const statements: string[] = [];
  const listener = (query: { sql?: string }) => {
    if (context.getStore()?.open) statements.push(String(query.sql));
  };
  const knex = strapi.db.connection;
  server.prependListener('request', onRequest);
  knex.on('query', listener);
  try {
    await work();
  } finally {
    knex.removeListener('query', listener);
    server.removeListener('request', onRequest);
  }
  return statements;
};

/** How many statements `requestStatements` saw, leaving out the chat-server status's own writes. */
export const countQueries = async (strapi: Core.Strapi, work: () => Promise<unknown>) =>
  (await requestStatements(strapi, work)).filter((sql) => !sql.includes('imbachat_status')).length;

export const basic = (login: string, password: string) =>
  `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

/** What Strapi logs from now on (this test file's log is shared by its boots): call the result to read it. */
export const logFromNow = (app: Pick<TestApp, 'logFile'>) => {
  const offset = fs.existsSync(app.logFile) ? fs.statSync(app.logFile).size : 0;
  return () => fs.readFileSync(app.logFile).subarray(offset).toString('utf8');
};

/**
 * Strapi's file log is written asynchronously: waits (up to 5 s) until `text` shows up in what `read`
 * gives, and a little longer for any line logged with it, then answers the log.
 */
export const logged = async (read: () => string, text: string, timeoutMs = 5000) => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const started = Date.now();
  while (!read().includes(text) && Date.now() - started < timeoutMs) await pause(25);
  await pause(200);
  return read();
};

/** Asserts that no answer this suite received, and no line Strapi logged, carries one of the secrets. */
export const expectNoSecretsIn = (app: TestApp, secrets: string[]) => {
  expect(app.responses.length).toBeGreaterThan(0);
  for (const response of app.responses) {
    const seen = response.text + JSON.stringify(response.headers);
    for (const secret of secrets) expect(seen).not.toContain(secret);
  }
  const log = fs.readFileSync(app.logFile, 'utf8');
  expect(log.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(log).not.toContain(secret);
};
