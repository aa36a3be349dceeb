import type { Browser, Page } from 'playwright-core';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { launchBrowser, listen } from './browser';

/** Stands in for ImbaChat's widget script (its servers are out of reach): records what the page does. */
export const STAND_IN = `(function () {
  var seen = (window.__imba = window.__imba || { loads: [], dialogs: [] });
  window.ImbaChat = { load: function () { seen.loads.push(arguments.length ? arguments[0] : 'no arguments'); return Promise.resolve('ready'); } };
  window.imbaApi = { openDialog: function (id) { seen.dialogs.push(id); } };
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
