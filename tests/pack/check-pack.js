#!/usr/bin/env node
// Packs the plugin as npm would publish it, installs the tarball into a throw-away Strapi 5.54 app
// (not the playground, and outside this repository, so nothing of the repository leaks in),
// boots that app and calls the plugin's routes over HTTP.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkReact19 } = require('./react19');

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = require(path.join(ROOT, 'package.json'));
const ALLOWED = [/^dist\//, /^strapi-(server|admin)\.js$/, /^(README\.md|LICENSE|CHANGELOG\.md|package\.json)$/];
const NEEDED = ['dist/server/index.js', 'dist/admin/index.js', 'dist/client/index.mjs', 'dist/client/src/index.d.ts', 'dist/react/index.mjs', 'dist/react/src/index.d.ts', 'dist/contract/index.d.ts', 'strapi-server.js', 'strapi-admin.js', 'README.md', 'LICENSE', 'CHANGELOG.md'];

class CheckFailed extends Error {}
const fail = (message) => {
  throw new CheckFailed(message);
};
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const pack = (dir) => {
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], ROOT));
  const files = info.files.map((file) => file.path);
  const stray = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
  if (stray.length) fail(`the tarball holds files it should not: ${stray.join(', ')}`);
  const missing = NEEDED.filter((file) => !files.includes(file));
  if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`);
  console.log(`pack check: ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(1)} kB packed`);
  return path.join(dir, info.filename);
};

const CONFIG = {
  'server.js': `module.exports = { host: '127.0.0.1', port: 0, app: { keys: ['k1', 'k2'] } };`,
  'admin.js': `module.exports = { auth: { secret: 'a' }, apiToken: { salt: 'b' }, transfer: { token: { salt: 'c' } }, serveAdminPanel: false };`,
  'database.js': `const path = require('path');\nmodule.exports = { connection: { client: 'sqlite', connection: { filename: path.join(__dirname, '..', 'data.db') }, useNullAsDefault: true } };`,
  'plugins.js': `module.exports = { 'users-permissions': { config: { jwtSecret: 'j' } } };`,
  'logger.js': `const { winston } = require('@strapi/logger');\nmodule.exports = { transports: [new winston.transports.Console({ level: 'error' })] };`,
};

// Runs inside the app with the app's own Strapi: boots it, calls the plugin, prints one JSON line.
const BOOT = `
const { createStrapi } = require('@strapi/strapi');
(async () => {
  const strapi = await createStrapi({ appDir: __dirname, distDir: __dirname }).load();
  await new Promise((resolve) => strapi.server.listen(0, '127.0.0.1', resolve));
  const base = 'http://127.0.0.1:' + strapi.server.httpServer.address().port + '/api/imbachat';
  const version = await fetch(base + '/v1');
  const users = await fetch(base + '/v1/users/1');
  const client = await import('strapi-plugin-imbachat/client');
  // Guest mode and the load options, set as an admin saves them, read by the packed client.
  const settings = strapi.plugin('imbachat').service('settings');
  await settings.update({ widgetId: 'pack-widget', widgetOptions: { theme: 'dark', language: 'auto' } });
  const origin = 'http://127.0.0.1:' + strapi.server.httpServer.address().port;
  const guestsOn = await client.fetchWidget({ strapiUrl: origin });
  // Strapi's api.rest.prefix as the caller gives it: this site's own '/api', with a trailing slash; and a refusal.
  const prefixed = await client.fetchWidget({ strapiUrl: origin, apiPrefix: '/api/' });
  const badPrefix = await client.fetchWidget({ strapiUrl: origin, apiPrefix: '//evil.test' }).catch((error) => ({ name: error.name, code: error.code, status: error.status }));
  await settings.update({ guests: false });
  const guestsOffAnswer = await fetch(base + '/widget');
  const guestsOff = { status: guestsOffAnswer.status, body: await guestsOffAnswer.json(), client: await client.fetchWidget({ strapiUrl: origin }) };
  // The React entry with the site's own React, rendered as on a server: it renders its children and nothing of its own.
  const react = await import('strapi-plugin-imbachat/react');
  const { createElement } = require('react');
  const { renderToString } = require('react-dom/server');
  let chat;
  const Probe = () => ((chat = react.useImbaChat()), null);
  const ssr = renderToString(createElement(react.ImbaChat, { strapiUrl: 'https://cms.test' }, createElement('p', null, 'page'), createElement(Probe)));
  const ssrRoom = renderToString(createElement(react.ImbaChatRoom, { slug: 'lobby', name: 'Lobby' }));
  const calls = ['openDialog', 'openChat', 'closeChat', 'joinRoom', 'embedChat', 'onWidget'].filter((name) => typeof chat[name] === 'function');
  console.log(JSON.stringify({
    loadedFrom: strapi.config.get('enabledPlugins').imbachat?.pathToPlugin,
    version: { status: version.status, body: await version.json() },
    users: { status: users.status },
    client: Object.keys(client).sort(),
    guestsOn,
    prefixed,
    badPrefix,
    guestsOff,
    react: Object.keys(react).sort(),
    ssr: { html: ssr, status: chat.status, window: typeof window },
    ssrRoom,
    hookCalls: calls,
  }));
  await strapi.destroy();
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

const makeApp = (dir, tarball) => {
  const app = path.join(dir, 'site');
  for (const sub of ['config', 'src', 'public/uploads']) fs.mkdirSync(path.join(app, sub), { recursive: true });
  const dev = pkg.devDependencies;
  const dependencies = {
    '@strapi/strapi': dev['@strapi/strapi'],
    '@strapi/plugin-users-permissions': dev['@strapi/plugin-users-permissions'],
    '@strapi/logger': dev['@strapi/strapi'],
    'better-sqlite3': dev['better-sqlite3'],
    react: dev.react,
    'react-dom': dev['react-dom'],
    'react-router-dom': dev['react-router-dom'],
    'styled-components': dev['styled-components'],
    'strapi-plugin-imbachat': `file:${tarball}`,
  };
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'throw-away-site', private: true, dependencies, strapi: { telemetryDisabled: true } }, null, 2)
  );
  for (const [file, text] of Object.entries(CONFIG)) fs.writeFileSync(path.join(app, 'config', file), `${text}\n`);
  fs.writeFileSync(path.join(app, 'src', 'index.js'), 'module.exports = { register() {}, bootstrap() {} };\n');
  fs.writeFileSync(path.join(app, 'boot.js'), BOOT);
  const started = Date.now();
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  console.log(`pack check: installed Strapi ${dependencies['@strapi/strapi']} and the tarball in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // The admin panel must bundle the plugin's admin entry, as `strapi build` does on a real site.
  run('npx', ['strapi', 'build'], app);
  const entry = fs.readFileSync(path.join(app, '.strapi', 'client', 'app.js'), 'utf8');
  if (!entry.includes('strapi-plugin-imbachat/strapi-admin')) fail("the admin build does not include the plugin's admin entry");
  console.log('pack check: the site\'s admin build bundles strapi-plugin-imbachat/strapi-admin');
  return app;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-pack-'));
(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) fail('build the plugin first (npm run build)');
  const tarball = pack(dir);
  const app = makeApp(dir, tarball);
  const lines = run('node', ['boot.js'], app).trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]);
  if (result.loadedFrom !== path.join(app, 'node_modules', 'strapi-plugin-imbachat')) {
    fail(`Strapi loaded the plugin from ${result.loadedFrom}, not from the installed tarball`);
  }
  const { status, body } = result.version;
  if (status !== 200 || body.plugin !== pkg.version || body.type !== 'Strapi plugin') {
    fail(`GET /api/imbachat/v1 answered ${status} ${JSON.stringify(body)}`);
  }
  if (result.users.status !== 503) fail(`an unconfigured users route answered ${result.users.status}, expected 503`);
  const exported = ['ImbaChatError', 'closeChat', 'embedChat', 'fetchChatToken', 'fetchDialogToken', 'fetchWidget', 'isNotLoaded', 'joinRoom', 'loadImbaChat', 'onWidget', 'openChat', 'openDialog', 'scriptUrlAllowed'];
  if (JSON.stringify(result.client) !== JSON.stringify(exported)) fail(`strapi-plugin-imbachat/client exports ${result.client}`);
  console.log(`pack check: strapi-plugin-imbachat/client imports from the tarball: ${exported.join(', ')}`);
  const expectedOn = { widget_id: 'pack-widget', script_url: 'https://api.imbachat.com/imbachat/v1/pack-widget/widget', options: { theme: 'dark', language: 'auto' } };
  if (JSON.stringify(result.guestsOn) !== JSON.stringify(expectedOn)) fail(`fetchWidget with guests on answered ${JSON.stringify(result.guestsOn)}`);
  if (JSON.stringify(result.prefixed) !== JSON.stringify(expectedOn)) fail(`fetchWidget with apiPrefix '/api/' answered ${JSON.stringify(result.prefixed)}`);
  const badPrefixExpected = { name: 'ImbaChatError', code: 'bad-api-prefix', status: 0 };
  if (JSON.stringify(result.badPrefix) !== JSON.stringify(badPrefixExpected)) fail(`fetchWidget with apiPrefix '//evil.test' gave ${JSON.stringify(result.badPrefix)}`);
  console.log("pack check: the packed client asks under the apiPrefix it is given and refuses one that is not a path");
  const offOk = result.guestsOff.status === 200 && JSON.stringify(result.guestsOff.body) === '{"guests":false}' && result.guestsOff.client?.guests === false;
  if (!offOk) fail(`GET /api/imbachat/widget with guests off answered ${JSON.stringify(result.guestsOff)}`);
  console.log('pack check: the installed plugin answers the widget with its load options, and {guests:false} (200) with guest mode off, read by the packed client');
  const reactExports = ['ImbaChat', 'ImbaChatError', 'ImbaChatRoom', 'useImbaChat'];
  if (JSON.stringify(result.react) !== JSON.stringify(reactExports)) fail(`strapi-plugin-imbachat/react exports ${result.react}`);
  const ssrExpected = { html: '<p>page</p>', status: 'idle', window: 'undefined' };
  if (JSON.stringify(result.ssr) !== JSON.stringify(ssrExpected)) fail(`strapi-plugin-imbachat/react rendered on the server: ${JSON.stringify(result.ssr)}`);
  if (result.ssrRoom !== '<div id="lobby" data-imbachat_chat_ph="1"></div>') fail(`<ImbaChatRoom> rendered on the server: ${result.ssrRoom}`);
  const hookCalls = ['openDialog', 'openChat', 'closeChat', 'joinRoom', 'embedChat', 'onWidget'];
  if (JSON.stringify(result.hookCalls) !== JSON.stringify(hookCalls)) fail(`useImbaChat() offers ${result.hookCalls}, expected ${hookCalls}`);
  console.log(`pack check: strapi-plugin-imbachat/react imports from the tarball (${reactExports.join(', ')}) and renders on the server with the site's React, doing nothing (<ImbaChatRoom> renders its element alone; useImbaChat() offers ${hookCalls.join(', ')})`);
  console.log(`pack check: the installed plugin answers GET /api/imbachat/v1 with ${JSON.stringify(body)}`);
  // The client's types resolve from the tarball, the shared contract's declarations included.
  fs.writeFileSync(
    path.join(app, 'uses-client.ts'),
    "import { fetchChatToken, ImbaChatError, type ChatToken } from 'strapi-plugin-imbachat/client';\n" +
      "export const expiresAt = (token: ChatToken): number => token.expires_at;\n" +
      "export const load = () => fetchChatToken({ strapiUrl: 'https://cms.test', jwt: 'x' }).catch((e: ImbaChatError) => e.status);\n" +
      "export const loadV2 = () => fetchChatToken({ strapiUrl: 'https://cms.test', apiPrefix: '/v2', jwt: 'x' }).catch((e: ImbaChatError) => e.code);\n" +
      "import { closeChat, embedChat, fetchDialogToken, joinRoom, onWidget, openChat, openDialog, type DialogToken, type ImbaChatErrorCode } from 'strapi-plugin-imbachat/client';\n" +
      "export const dialogStatus = (answer: DialogToken): 0 | 1 => answer.status;\n" +
      "export const refused: ImbaChatErrorCode[] = ['dialog-refused', 'unknown-user', 'self-dialog', 'rate-limited', 'unauthorized', 'widget-timeout', 'bad-slug'];\n" +
      "export const calls = async (element: HTMLElement): Promise<void> => {\n" +
      "  await openChat(); await closeChat({ timeoutMs: 5000 });\n" +
      "  await joinRoom({ pipe: 'event-42', title: 'Concert', isPublic: true });\n" +
      "  await embedChat(element, { slug: 'lobby', name: 'Lobby' });\n" +
      "  const off: () => void = await onWidget('imbaChat.loaded', () => undefined); off();\n" +
      "  await openDialog(2); await openDialog(2, { strapiUrl: 'https://cms.test', apiPrefix: '/v2', jwt: 'x' });\n" +
      "  const token: DialogToken = await fetchDialogToken({ strapiUrl: 'https://cms.test', jwt: 'x', userId: 2 }); void token;\n" +
      "};\n"
  );
  // React's types come with Strapi's admin packages (a direct @types/react here moves packages the admin build needs).
  fs.writeFileSync(
    path.join(app, 'uses-react.ts'),
    "import { ImbaChat, useImbaChat, type ChatStatus, type ImbaChatProps } from 'strapi-plugin-imbachat/react';\n" +
      "const props: ImbaChatProps = { strapiUrl: 'https://cms.test', apiPrefix: '/v2', jwt: null, options: { language: 'auto' } };\n" +
      "export const element = ImbaChat(props);\n" +
      "export const useStatus = (): ChatStatus => useImbaChat().status;\n" +
      "export const write = (): Promise<unknown> => useImbaChat().openDialog(2);\n" +
      "import { ImbaChatRoom, type ImbaChatRoomProps, type Room } from 'strapi-plugin-imbachat/react';\n" +
      "const roomProps: ImbaChatRoomProps = { slug: 'lobby', name: 'Lobby', className: 'chat', onError: (error: Error) => void error };\n" +
      "export const room = ImbaChatRoom(roomProps);\n" +
      "const lobby: Room = { pipe: 'lobby', title: 'Lobby', isPublic: false };\n" +
      "export const join = (): Promise<unknown> => useImbaChat().joinRoom(lobby);\n" +
      "export const open = (): Promise<unknown> => useImbaChat().openChat();\n" +
      "export const listen = (): Promise<() => void> => useImbaChat().onWidget('imbaChat.loaded', () => undefined);\n"
  );
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2020', '--lib', 'es2020,dom', 'uses-client.ts', 'uses-react.ts'], app);
  console.log("pack check: a TypeScript front end type-checks against strapi-plugin-imbachat/client's and /react's declarations");
  await checkReact19({ dir, tarball, app, run, fail, log: (line) => console.log(line) });
  console.log('pack check: 1 passed, 0 failed');
})()
  .catch((error) => {
    const message = error instanceof CheckFailed ? error.message : error.stderr || error.stack || String(error);
    console.error(`pack check: FAIL: ${message}`);
    console.log('pack check: 0 passed, 1 failed');
    process.exitCode = 1;
  })
  // IMBACHAT_PACK_KEEP=1 leaves the throw-away site and front end for a look.
  .finally(() => (process.env.IMBACHAT_PACK_KEEP === '1' ? console.log(`pack check: kept ${dir}`) : fs.rmSync(dir, { recursive: true, force: true })));
