// The React entry with React 19, as a front end has it: a project of its own (React 19, no Strapi)
// installs the tarball with a plain `npm install`, renders <ImbaChat> on the server, type-checks
// against React 19's types, and bundles a page with esbuild that runs in Chromium, in StrictMode
// and React's development build, against the packed plugin on the throw-away Strapi site (the page
// served from an origin of its own, as a front end's is).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCRIPT_URL = 'https://api.imbachat.com/imbachat/v1/pack-widget/widget';

// Stands in for ImbaChat's widget script (its servers are out of reach): records what the page does.
const STAND_IN = `(function () {
  var seen = (window.__imba = window.__imba || { loads: [], dialogs: [], placed: [] });
  window.ImbaChat = { load: function (options) { seen.loads.push(options); return Promise.resolve('ready'); } };
  window.imbaApi = {
    openDialog: function (id, status, token) { seen.dialogs.push([id, status, typeof token]); },
    placeHolder: function (slug, name) { var el = document.getElementById(slug); seen.placed.push([slug, name, el && el.getAttribute('data-imbachat_chat_ph')]); },
    on: function () {},
    room_type: { conference: 2 },
  };
})();`;

// The front end's page: <ImbaChat> in StrictMode, a re-render with new options, a remount, a
// "Write message" button (a dialog token from the site first) and a public chat (<ImbaChatRoom>).
// JSX, as a React front end writes it.
const APP = `import { StrictMode, useState, version } from 'react';
import { createRoot } from 'react-dom/client';
import { ImbaChat, ImbaChatRoom, useImbaChat } from 'strapi-plugin-imbachat/react';

const query = new URLSearchParams(window.location.search);
const strapiUrl = query.get('strapi');
const jwt = query.get('jwt');
const other = Number(query.get('other'));

function Status() {
  const chat = useImbaChat();
  return (
    <div>
      <p id="status" data-status={chat.status} data-user={chat.userId ?? ''}>{chat.status}</p>
      <button id="write" onClick={() => chat.openDialog(other)}>Write message</button>
      <ImbaChatRoom slug="lobby" name="Lobby" />
    </div>
  );
}

function App() {
  const [renders, setRenders] = useState(0);
  const [mounted, setMounted] = useState(true);
  return (
    <main>
      <h1>React {version}</h1>
      <button id="rerender" onClick={() => setRenders(renders + 1)}>Render again ({renders})</button>
      <button id="remount" onClick={() => setMounted(!mounted)}>{mounted ? 'Unmount' : 'Mount'}</button>
      {mounted ? (
        <ImbaChat strapiUrl={strapiUrl} jwt={jwt} options={{ position: 'left' }}>
          <Status />
        </ImbaChat>
      ) : null}
    </main>
  );
}

window.__reactVersion = version;
createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
`;

// The same use as a TypeScript front end writes it, checked against React 19's own types.
const TYPED = `import type { ReactNode } from 'react';
import { ImbaChat, ImbaChatRoom, useImbaChat, type ChatStatus, type ImbaChatProps } from 'strapi-plugin-imbachat/react';

export function Chat({ jwt, children }: { jwt: string | null; children?: ReactNode }) {
  const props: ImbaChatProps = { strapiUrl: 'https://cms.test', jwt, options: { language: 'auto' } };
  return <ImbaChat {...props}>{children}</ImbaChat>;
}
export const Lobby = () => <ImbaChatRoom slug="lobby" name="Lobby" onError={(error) => console.warn(error.message)} />;
export function WriteButton({ userId }: { userId: number }) {
  const { status, openDialog }: { status: ChatStatus; openDialog: (id: number) => Promise<unknown> } = useImbaChat();
  return <button disabled={status !== 'ready'} onClick={() => void openDialog(userId)}>Write message</button>;
}
`;

const SSR = `(async () => {
  const react = await import('strapi-plugin-imbachat/react');
  const { createElement, version } = require('react');
  const { renderToString } = require('react-dom/server');
  let chat;
  const Probe = () => ((chat = react.useImbaChat()), null);
  const html = renderToString(createElement(react.ImbaChat, { strapiUrl: 'https://cms.test' }, createElement('p', null, 'page'), createElement(Probe)));
  console.log(JSON.stringify({ version, html, status: chat.status }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

// Runs in the Strapi site: the plugin configured, one site user with a users-permissions JWT, and
// the site served on a free loopback port until this process is told to stop.
const SERVE = `const { createStrapi } = require('@strapi/strapi');
(async () => {
  const strapi = await createStrapi({ appDir: __dirname, distDir: __dirname }).load();
  await strapi.plugin('imbachat').service('settings').update({
    widgetId: 'pack-widget', secretKey: 'pack-check-secret-key-0123456789abcdef', guests: true, widgetOptions: { theme: 'dark' },
  });
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const user = (await strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'reader' } })) ?? await strapi.plugin('users-permissions').service('user').add({
    username: 'reader', email: 'reader@example.test', password: 'Secret-pass-1', provider: 'local', confirmed: true, blocked: false, role: role.id,
  });
  const other = (await strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'writer' } })) ?? await strapi.plugin('users-permissions').service('user').add({
    username: 'writer', email: 'writer@example.test', password: 'Secret-pass-1', provider: 'local', confirmed: true, blocked: false, role: role.id,
  });
  const jwt = strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  await new Promise((resolve) => strapi.server.listen(0, '127.0.0.1', resolve));
  console.log(JSON.stringify({ port: strapi.server.httpServer.address().port, jwt, userId: user.id, otherId: other.id }));
  const stop = () => strapi.destroy().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** Asks the site to stop (its stdin closes); kills it if it has not exited 10 s later. */
const stopChild = (child) =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.stdin.end();
  });

/** Starts the site in the background; answers what it printed and how to stop it. */
const serveSite = (app) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['serve.js'], { cwd: app, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((text) => text.startsWith('{"port"'));
      if (line) resolve({ ...JSON.parse(line), stop: () => stopChild(child) });
    });
    child.on('exit', (code) => reject(new Error(`the site exited with ${code} before serving: ${err || out}`)));
  });

/** Serves the front end's page and bundle on a free loopback port: an origin other than the site's. */
const serveFrontEnd = (publicDir) =>
  new Promise((resolve) => {
    const files = { '/': ['index.html', 'text/html'], '/app.js': ['app.js', 'text/javascript'] };
    const server = http.createServer((req, res) => {
      const [file, type] = files[new URL(req.url, 'http://front.test').pathname] ?? [];
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
      fs.createReadStream(path.join(publicDir, file)).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) }));
  });

/** What the page shows and what the stand-in saw. */
const pageState = (page) =>
  page.evaluate(() => ({
    status: document.getElementById('status')?.dataset.status ?? null,
    user: document.getElementById('status')?.dataset.user ?? null,
    react: window.__reactVersion,
    scripts: document.querySelectorAll(`script[src^="https://api.imbachat.com/"]`).length,
    seen: window.__imba ?? { loads: [], dialogs: [], placed: [] },
  }));

const checkInBrowser = async ({ app, publicDir, fail, screenshot }) => {
  const { chromium } = require(path.join(ROOT, 'node_modules', 'playwright-core'));
  const site = await serveSite(app);
  const frontEnd = await serveFrontEnd(publicDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const context = await browser.newContext();
    const scriptRequests = [];
    let tokenRequests = 0;
    await context.route('https://api.imbachat.com/**', (route) => {
      scriptRequests.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'application/javascript', body: STAND_IN });
    });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    let dialogRequests = 0;
    page.on('request', (request) => new URL(request.url()).pathname === '/api/imbachat/token' && tokenRequests++);
    page.on('request', (request) => new URL(request.url()).pathname === '/api/imbachat/dialog' && request.method() === 'POST' && dialogRequests++);
    const origin = `http://127.0.0.1:${site.port}`;
    const ready = async (step) => {
      try {
        await page.locator('#status[data-status="ready"]').waitFor({ timeout: 15_000 });
      } catch {
        await page.screenshot({ path: screenshot }).catch(() => undefined);
        fail(`the React 19 page was not ready ${step}: ${JSON.stringify({ ...(await pageState(page)), problems, scriptRequests, tokenRequests })} (picture: ${screenshot})`);
      }
    };
    await page.goto(`http://127.0.0.1:${frontEnd.port}/?strapi=${encodeURIComponent(origin)}&jwt=${encodeURIComponent(site.jwt)}&other=${site.otherId}`);
    await ready('after loading');
    // Render again with new options, unmount and mount again: still one script and one load.
    await page.click('#rerender');
    await page.click('#remount');
    await page.click('#remount');
    await ready('after a re-render and a remount');
    await page.click('#write');
    await page.waitForFunction(() => (window.__imba?.dialogs ?? []).length > 0, null, { timeout: 5_000 });
    const state = await pageState(page);
    await page.screenshot({ path: screenshot });
    if (!/^19\./.test(state.react)) fail(`the React 19 page runs React ${state.react}`);
    if (state.user !== String(site.userId)) fail(`the React 19 page's useImbaChat().userId is ${state.user}, expected ${site.userId}`);
    if (state.scripts !== 1 || scriptRequests.length !== 1 || scriptRequests[0] !== SCRIPT_URL) {
      fail(`the React 19 page added ${state.scripts} widget scripts (requests: ${scriptRequests.join(', ')})`);
    }
    const [load, ...more] = state.seen.loads;
    if (more.length || !load || load.user_id !== site.userId || typeof load.token !== 'string' || load.theme !== 'dark' || load.position !== 'left') {
      fail(`the React 19 page called ImbaChat.load with ${JSON.stringify(state.seen.loads)}`);
    }
    if (tokenRequests < 1) fail('the React 19 page never asked the site for a chat token');
    const dialogs = JSON.stringify(state.seen.dialogs);
    if (dialogs !== JSON.stringify([[site.otherId, 0, 'string']]) || dialogRequests !== 1) fail(`"Write message" opened ${dialogs} after ${dialogRequests} dialog token requests`);
    // StrictMode mounts <ImbaChatRoom> twice over, and it was unmounted and mounted again: one placeHolder per mount.
    const placed = JSON.stringify(state.seen.placed);
    if (placed !== JSON.stringify([['lobby', 'Lobby', '1'], ['lobby', 'Lobby', '1']])) fail(`<ImbaChatRoom> called placeHolder ${placed}`);
    if (problems.length) fail(`the React 19 page reported errors: ${problems.join(' | ')}`);
    return { tokenRequests };
  } finally {
    await browser.close();
    await frontEnd.close();
    await site.stop();
  }
};

/**
 * The check. `run(cmd, args, cwd)` runs a command and answers its output; `fail(message)` throws.
 * `app` is the throw-away Strapi site with the tarball installed; `log` prints a line.
 */
const checkReact19 = async ({ dir, tarball, app, run, fail, log }) => {
  const front = path.join(dir, 'front-end');
  fs.mkdirSync(front, { recursive: true });
  const dependencies = { react: '^19.0.0', 'react-dom': '^19.0.0', '@types/react': '^19.0.0', 'strapi-plugin-imbachat': `file:${tarball}` };
  fs.writeFileSync(path.join(front, 'package.json'), JSON.stringify({ name: 'throw-away-front-end', private: true, dependencies }, null, 2));
  try {
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], front);
  } catch (error) {
    fail(`a React 19 front end cannot install the tarball with plain npm install:\n${String(error.stderr || error.message).slice(0, 2000)}`);
  }
  const strapiPackages = fs.existsSync(path.join(front, 'node_modules', '@strapi')) ? fs.readdirSync(path.join(front, 'node_modules', '@strapi')) : [];
  if (strapiPackages.length) fail(`installing the tarball in a front end also installed @strapi/${strapiPackages.join(', @strapi/')}`);
  log('pack check: a React 19 front end installs the tarball with plain npm install, and no Strapi package comes with it');

  fs.writeFileSync(path.join(front, 'ssr.js'), SSR);
  const ssr = JSON.parse(run('node', ['ssr.js'], front).trim().split('\n').pop());
  if (!/^19\./.test(ssr.version) || ssr.html !== '<p>page</p>' || ssr.status !== 'idle') fail(`React 19 on the server rendered ${JSON.stringify(ssr)}`);
  log(`pack check: strapi-plugin-imbachat/react renders on the server with React ${ssr.version}, doing nothing`);

  fs.writeFileSync(path.join(front, 'chat.tsx'), TYPED);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const flags = ['--noEmit', '--strict', '--jsx', 'react-jsx', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2020', '--lib', 'es2020,dom'];
  run(process.execPath, [tsc, ...flags, 'chat.tsx'], front);
  log("pack check: a TypeScript front end type-checks <ImbaChat> and useImbaChat() against React 19's types");

  const publicDir = path.join(front, 'public');
  fs.mkdirSync(publicDir, { recursive: true });
  fs.writeFileSync(path.join(front, 'app.jsx'), APP);
  const esbuild = require(require.resolve('esbuild', { paths: [ROOT] }));
  await esbuild.build({
    entryPoints: [path.join(front, 'app.jsx')],
    absWorkingDir: front,
    bundle: true,
    format: 'iife',
    jsx: 'automatic',
    // React's development build: StrictMode mounts, unmounts and mounts again, as in development.
    define: { 'process.env.NODE_ENV': '"development"' },
    outfile: path.join(publicDir, 'app.js'),
    logLevel: 'error',
  });
  await esbuild.stop?.(); // its service process would keep this one alive
  fs.writeFileSync(
    path.join(publicDir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>React 19 front end</title></head><body><div id="root"></div><script src="app.js"></script></body></html>\n'
  );
  fs.writeFileSync(path.join(app, 'serve.js'), SERVE);
  const screenshot = path.join(process.env.IMBACHAT_SCREENSHOTS ?? path.join(ROOT, 'test-results', 'screenshots'), 'pack-react19.png');
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  const { tokenRequests } = await checkInBrowser({ app, publicDir, fail, screenshot });
  log(
    `pack check: in Chromium, React 19 in StrictMode with a re-render and a remount: one widget script, one ImbaChat.load for the user (${tokenRequests} token request${tokenRequests === 1 ? '' : 's'}), "Write message" opened once with a dialog token, one placeHolder per mount of <ImbaChatRoom>`
  );
};

module.exports = { checkReact19, checkInBrowser };
