import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { configure } from '../helpers/strapi';
import { bootAdminSite, launchBrowser, openSettings, pageScreenshot, withScreenshot } from './browser';

const SECRET = 'e2e-dashboard-secret-1';
const WIDGET = 'w-e2e-dash';
const DASHBOARD = `https://dashboard.imbachat.com/#/${WIDGET}/`;

let browser: Browser;
let api: http.Server;
let answer: { status: number; body: unknown } = { status: 200, body: { success: true, id: 31 } };
let asked = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  // The stand-in ImbaChat API, on loopback (the only plain-http address imbachatApiUrl takes).
  api = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      asked += 1;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => api?.close(resolve));
});

describe('Settings → ImbaChat → Widget: Open the moderation dashboard', () => {
  const state = bootAdminSite({}, async (app) => {
    app.strapi.config.set('plugin::imbachat.imbachatApiUrl', `http://127.0.0.1:${(api.address() as AddressInfo).port}`);
    await configure(app.strapi, { widgetId: WIDGET, secretKey: SECRET });
    return {};
  });
  const button = (page: Page) => page.getByRole('button', { name: 'Open the moderation dashboard' });
  const widgetPage = (context: BrowserContext, email: string) =>
    openSettings(context, state.baseUrl, email, (page) => page.getByRole('heading', { name: 'Widget', level: 1 }), 'widget');
  /** The real dashboard is not this test's to reach: its address answers a page of the test's own. */
  const standInDashboard = (context: BrowserContext) =>
    context.route('https://dashboard.imbachat.com/**', (route) => route.fulfill({ contentType: 'text/html', body: '<h1>Dashboard</h1>' }));

  it('opens the dashboard in a new tab, signed in as the support user', async () => {
    const context = await browser.newContext();
    await standInDashboard(context);
    const page = await widgetPage(context, await createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]));
    await withScreenshot(page, 'dashboard-open', async () => {
      await button(page).waitFor();
      await pageScreenshot(page, process.env.IMBACHAT_DASHBOARD_SCREENSHOT ?? '/tmp/s21-widget-dashboard.png');
      answer = { status: 200, body: { success: true, id: 31 } };
      const [tab] = await Promise.all([context.waitForEvent('page'), button(page).click()]);
      await tab.waitForURL((url) => url.href.startsWith(DASHBOARD), { timeout: 15_000 });
      const url = tab.url();
      expect(url.startsWith(`${DASHBOARD}auth/`)).toBe(true);
      const claims = jwt.verify(url.slice(`${DASHBOARD}auth/`.length), SECRET, { algorithms: ['HS256'] });
      expect(claims).toMatchObject({ user_id: 31, user_role: 'admin' });
      // The dashboard gets no handle on the admin's window.
      expect(await tab.evaluate('window.opener === null')).toBe(true);
      await tab.close();
    });
    await context.close();
  });

  it('goes to the sign-in page when the widget has no support user, and says why when ImbaChat fails', async () => {
    const context = await browser.newContext();
    await standInDashboard(context);
    const page = await widgetPage(context, await createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]));
    await withScreenshot(page, 'dashboard-failures', async () => {
      answer = { status: 200, body: { success: false } };
      const [tab] = await Promise.all([context.waitForEvent('page'), button(page).click()]);
      await tab.waitForURL(`${DASHBOARD}signIn`, { timeout: 15_000 });
      await tab.close();

      answer = { status: 503, body: { error: 'maintenance' } };
      const [failed] = await Promise.all([context.waitForEvent('page'), button(page).click()]);
      await page.getByText("The moderation dashboard could not be opened: ImbaChat's API answered HTTP 503").waitFor({ timeout: 15_000 });
      // The blank tab opened on the click is closed again.
      for (const started = Date.now(); !failed.isClosed() && Date.now() - started < 5000; ) await page.waitForTimeout(50);
      expect(failed.isClosed()).toBe(true);
    });
    await context.close();
  });

  it('shows no button to an admin whose role lacks the permission', async () => {
    const context = await browser.newContext();
    const role = await createRole(state.app.strapi, 'ImbaChat editor, no dashboard', ['plugin::imbachat.settings.read', 'plugin::imbachat.settings.update']);
    const page = await widgetPage(context, await createAdmin(state.app.strapi, [role]));
    await withScreenshot(page, 'dashboard-no-permission', async () => {
      await page.getByTestId('appearance').waitFor();
      await page.getByRole('button', { name: 'Save' }).waitFor();
      // Time for the permission check to have answered, had it said yes.
      await page.waitForTimeout(1500);
      const before = asked;
      expect(await button(page).count()).toBe(0);
      expect(asked).toBe(before);
    });
    await context.close();
  });
});
