import type { Browser, Page } from 'playwright-core';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { launchBrowser, listen } from './browser';

/**
 * Stands in for ImbaChat's widget script (its servers are out of reach): records what the page does,
 * and draws a small chat window (who it was loaded for, the dialogs opened) where the widget would be,
 * following the `theme` and `position` options, so a picture of the page shows the chat.
 */
export const STAND_IN = `(function () {
  var seen = (window.__imba = window.__imba || { loads: [], dialogs: [] });
  var box, list;
  function draw(options) {
    options = options || {};
    if (!box) {
      box = document.createElement('div');
      box.id = 'imbachat-stand-in';
      box.setAttribute('role', 'complementary');
      box.setAttribute('aria-label', 'Chat (test stand-in for the ImbaChat widget)');
      document.body.appendChild(box);
    }
    var dark = options.theme === 'dark';
    box.style.cssText = 'position:fixed;bottom:16px;' + (options.position === 'left' ? 'left' : 'right') + ':16px;width:280px;' +
      'font:14px/1.4 system-ui,sans-serif;border-radius:12px;overflow:hidden;z-index:2147483647;box-shadow:0 8px 24px rgba(0,0,0,.25);' +
      'background:' + (dark ? '#212134' : '#fff') + ';color:' + (dark ? '#eaeaef' : '#32324d');
    var who = options.user_id ? 'Signed in as user #' + options.user_id + (options.token ? ' with a chat token' : '') : 'A visitor, not logged in';
    box.innerHTML = '<div style="background:#4945ff;color:#fff;padding:10px 14px;font-weight:600">ImbaChat' +
      '<span style="font-weight:400;opacity:.8"> · test stand-in</span></div>' +
      '<div style="padding:12px 14px"><div data-stand-in="who">' + who + '</div>' +
      '<ul data-stand-in="dialogs" style="margin:8px 0 0;padding-left:18px"></ul></div>';
    list = box.querySelector('[data-stand-in="dialogs"]');
    seen.dialogs.forEach(addDialog);
  }
  function addDialog(id) {
    if (!list) return;
    var item = document.createElement('li');
    item.textContent = 'Dialog with user #' + id;
    list.appendChild(item);
  }
  window.ImbaChat = { load: function () {
    seen.loads.push(arguments.length ? arguments[0] : 'no arguments');
    draw(arguments[0]);
    return Promise.resolve('ready');
  } };
  window.imbaApi = { openDialog: function (id) { seen.dialogs.push(id); addDialog(id); } };
})();`;

/** The stand-in's record: each `ImbaChat.load` argument ('no arguments' for none) and each dialog opened. */
export const seen = (page: Page) => page.evaluate<{ loads: unknown[]; dialogs: unknown[] }>('window.__imba || { loads: [], dialogs: [] }');

// The playground's seeded values (playground/src/seed) and its users-permissions JWT secret: what the demo pages run with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { DEMO_SETTINGS, USER_PASSWORD } = require('../../playground/src/seed') as {
  DEMO_SETTINGS: { widgetId: string; secretKey: string };
  USER_PASSWORD: string;
};
export const PLAYGROUND_JWT_SECRET = 'playground-users-permissions-jwt-secret';
export const DEMO_SCRIPT_URL = `https://api.imbachat.com/imbachat/v1/${DEMO_SETTINGS.widgetId}/widget`;

export interface StandInOptions {
  /** How long the widget script takes to arrive. */
  delayMs?: number;
  /** A demo page's session, as if its user had logged in before. */
  sessionJwt?: string;
  /** The widget's servers cannot be reached at all. */
  unreachable?: boolean;
}

/** A browser context whose widget script is the stand-in; `requested` lists the script URLs asked for. */
export const standInContext = async (browser: Browser, { delayMs = 0, sessionJwt, unreachable = false }: StandInOptions = {}) => {
  const context = await browser.newContext();
  const requested: string[] = [];
  await context.route('https://api.imbachat.com/**', async (route) => {
    requested.push(route.request().url());
    if (unreachable) return route.abort('namenotresolved');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await route.fulfill({ status: 200, contentType: 'application/javascript', body: STAND_IN });
  });
  if (sessionJwt) await context.addInitScript(`sessionStorage.setItem('imbachat-demo-jwt', ${JSON.stringify(sessionJwt)})`);
  return { context, requested };
};

/**
 * The seeded playground (the demo pages and their users) served on loopback, its users' ids by
 * username, and a browser. `prepare` runs before it listens.
 */
export const startDemoSite = async (prepare: (app: TestApp) => Promise<unknown> = async () => undefined) => {
  const app = await startStrapi({ seed: true });
  await prepare(app);
  const baseUrl = await listen(app);
  const users = await app.strapi.db.query('plugin::users-permissions.user').findMany({ select: ['id', 'username'] });
  const ids: Record<string, number> = Object.fromEntries(users.map((user: { id: number; username: string }) => [user.username, user.id]));
  return { app, baseUrl, ids, browser: await launchBrowser() };
};
