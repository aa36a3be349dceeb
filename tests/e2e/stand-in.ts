import type { Browser, Page } from 'playwright-core';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { launchBrowser, listen } from './browser';

/**
 * Stands in for ImbaChat's widget script (its servers are out of reach): records what the page does,
 * and draws a small chat window (who it was loaded for, the dialogs and group chats opened) where the
 * widget would be, following the `theme` and `position` options, so a picture of the page shows the
 * chat. `imbaApi` has what ImbaChat's WordPress plugin calls (openDialog, openChat, closeChat,
 * addToRoom with room_type.conference, placeHolder, on) and no `off`; `load` answers after 100 ms and
 * then says `imbaChat.loaded` to the listeners it has by then, as a widget that has just loaded would.
 */
export const STAND_IN = `(function () {
  var seen = (window.__imba = window.__imba || { loads: [], dialogs: [], calls: [], placed: [] });
  var box, body, list, listeners = {}, lines = [];
  function record(name, args) {
    seen.calls.push([name].concat([].slice.call(args).map(function (arg) { return typeof arg === 'function' ? 'function' : arg; })));
  }
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
      '<div data-stand-in="body" style="padding:12px 14px"><div data-stand-in="who">' + who + '</div>' +
      '<ul data-stand-in="dialogs" style="margin:8px 0 0;padding-left:18px"></ul></div>';
    body = box.querySelector('[data-stand-in="body"]');
    list = box.querySelector('[data-stand-in="dialogs"]');
    lines.forEach(addLine);
  }
  function addLine(text) {
    if (!list) return;
    var item = document.createElement('li');
    item.textContent = text;
    list.appendChild(item);
  }
  function say(text) {
    lines.push(text);
    addLine(text);
  }
  window.ImbaChat = { load: function () {
    seen.loads.push(arguments.length ? arguments[0] : 'no arguments');
    draw(arguments[0]);
    return new Promise(function (resolve) {
      setTimeout(function () {
        (listeners['imbaChat.loaded'] || []).forEach(function (fn) { fn(); });
        resolve('ready');
      }, 100);
    });
  } };
  window.imbaApi = {
    room_type: { conference: 2 },
    openDialog: function (id, status, token) {
      record('openDialog', arguments);
      seen.dialogs.push(id);
      say('Dialog with user #' + id + (token ? ' (dialog token)' : ''));
      return Promise.resolve();
    },
    openChat: function () { record('openChat', arguments); if (body) body.hidden = false; },
    closeChat: function () { record('closeChat', arguments); if (body) body.hidden = true; },
    addToRoom: function (room) { record('addToRoom', arguments); say('Group chat: ' + room.title); },
    placeHolder: function (slug, name) {
      record('placeHolder', arguments);
      var element = document.getElementById(slug);
      seen.placed.push({ slug: slug, name: name, marked: element ? element.getAttribute('data-imbachat_chat_ph') : null });
      if (!element) return;
      element.innerHTML = '<div data-stand-in="public-chat" style="border:1px solid #4945ff;border-radius:8px;padding:8px 12px;font:14px/1.4 system-ui,sans-serif">' +
        '<strong></strong><div style="color:#666687">Public chat (test stand-in)</div></div>';
      element.querySelector('strong').textContent = name;
    },
    on: function (event, fn) {
      record('on', arguments);
      (listeners[event] = listeners[event] || []).push(fn);
    },
  };
})();`;

/** One call the page made of `imbaApi`: its name, then its arguments (a function as 'function'). */
export type WidgetCall = [string, ...unknown[]];

/**
 * The stand-in's record: each `ImbaChat.load` argument ('no arguments' for none), each dialog's user,
 * every `imbaApi` call in order, and for each `placeHolder` whether its element was marked (`'1'`).
 */
export const seen = (page: Page) =>
  page.evaluate<{ loads: unknown[]; dialogs: unknown[]; calls: WidgetCall[]; placed: { slug: string; name: string; marked: string | null }[] }>(
    'window.__imba || { loads: [], dialogs: [], calls: [], placed: [] }'
  );

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
