import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { createAdmin, superAdminRoleId } from '../helpers/admin';
import { configure, createSiteUser } from '../helpers/strapi';
import { SCREENSHOTS, bootAdminSite, launchBrowser, openSettings, sectionScreenshot, shows, withScreenshot } from './browser';

const CABINET = { widgetId: 'status-widget', apiLogin: 'chat-e2e', apiPassword: 'the-right-api-password', secretKey: 'status-secret-key-0123456' };
/** The throttle's default: after this many wrong API passwords from one address it is locked out. */
const BASIC_FAILURES_TO_LOCK = 50;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * Waits until the locator holds the text, pressing Refresh now and then: the page refreshes by itself
 * every 10 s, and the server writes what it saw in batches of a few seconds.
 */
const refreshedUntil = async (page: Page, locator: Locator, text: string, timeoutMs = 40_000) => {
  const started = Date.now();
  while (!((await locator.count()) > 0 && ((await locator.first().textContent()) ?? '').includes(text))) {
    if (Date.now() - started > timeoutMs) throw new Error(`"${text}" not shown within ${timeoutMs / 1000} s`);
    await page.getByTestId('status-refresh').click();
    await page.waitForTimeout(1000);
  }
};

describe('Settings → ImbaChat → Connection: the chat server\'s status', () => {
  const site = bootAdminSite({}, async (app) => {
    await configure(app.strapi, CABINET);
    return { alice: await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell' }) };
  });
  const users = (password: string) => site.app.http().get(`/api/imbachat/v1/users/${site.alice.id}`).auth(CABINET.apiLogin, password);

  it('shows a correct call, a wrong one and a lockout, which Unlock ends for the chat server and Test API alike', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, site.baseUrl, await createAdmin(site.app.strapi, [await superAdminRoleId(site.app.strapi)]), (opened) =>
      opened.getByTestId('status-routes')
    );
    await withScreenshot(page, 'status', async () => {
      const last = page.getByTestId('status-route-usersInfo-last');
      const failure = page.getByTestId('status-route-usersInfo-failure');
      await shows(last, 'Never called');
      await shows(page.getByTestId('lockouts-none'), 'Nobody is locked out.');

      // A correct call: when, the status and the address.
      expect((await users(CABINET.apiPassword)).status).toBe(200);
      await refreshedUntil(page, last, '200');
      await shows(last, 'now');
      await shows(last, 'from ');
      expect(await last.textContent()).toMatch(/127\.0\.0\.1/);
      await shows(failure, 'None');

      // A wrong one: the last failure and why, in words; the last call is the failure now.
      expect((await users('a-wrong-password')).status).toBe(401);
      await refreshedUntil(page, failure, 'Wrong API login or password');
      await shows(failure, '401');
      await refreshedUntil(page, last, '401');

      // Enough wrong ones and the address is locked out: the right password is refused too.
      let status = 401;
      for (let tries = 1; tries < BASIC_FAILURES_TO_LOCK + 5 && status !== 429; tries += 1) status = (await users('a-wrong-password')).status;
      expect(status).toBe(429);
      expect((await users(CABINET.apiPassword)).status).toBe(429);
      const lockout = page.getByTestId('lockout');
      await refreshedUntil(page, lockout, 'An address that sent wrong API passwords');
      expect(await lockout.count()).toBe(1);
      expect(await lockout.textContent()).toMatch(/127\.0\.0\.1/);
      await shows(lockout, 'in ');
      await refreshedUntil(page, failure, 'Refused: the address is locked out after too many wrong passwords');
      await shows(failure, '429');

      // Test API comes from the same address: it says so.
      await page.getByTestId('test-run').click();
      await shows(page.getByTestId('test-result'), 'Refused for now: this address is locked out after too many wrong passwords.');
      await sectionScreenshot(page, path.join(SCREENSHOTS, 'chat-server-status-lockout.png'), 'chat-server-status');

      // Unlock: gone from the list at once, and the chat server's right password works again.
      await lockout.getByRole('button', { name: 'Unlock' }).click();
      await page.getByText('is unlocked').first().waitFor();
      await lockout.waitFor({ state: 'detached' });
      await shows(page.getByTestId('lockouts-none'), 'Nobody is locked out.');
      expect((await users(CABINET.apiPassword)).status).toBe(200);
      await page.getByTestId('test-run').click();
      await shows(page.getByTestId('test-result'), 'Your site answered with 1 user');
    });
    await context.close();
  });
});
