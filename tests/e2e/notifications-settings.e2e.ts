import type { Browser, Page } from 'playwright-core';
import { createAdmin, superAdminRoleId } from '../helpers/admin';
import { settingsService, startStrapi, type TestApp } from '../helpers/strapi';
import path from 'node:path';
import { ARTIFACTS, launchBrowser, listen, openSettings as openPage, sectionScreenshot, shows, withScreenshot } from './browser';

let app: TestApp;
let baseUrl: string;
let browser: Browser;

const openSettings = async (): Promise<Page> =>
  openPage(await browser.newContext(), baseUrl, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]), (page) => page.locator('#imbachat-notifyText'));

beforeAll(async () => {
  app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true' } });
  baseUrl = await listen(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('Settings → ImbaChat → Email notifications', () => {
  it('explains each option, names the placeholders and saves the templates', async () => {
    const page = await openSettings();
    const section = page.getByTestId('notifications');
    await withScreenshot(page, 'notifications-section', async () => {
      await shows(section, "Strapi's email plugin");
      await shows(section, 'Plain text, with {name}, {title}, {body} and {siteUrl} replaced');
      expect(await page.locator('#imbachat-notifyByEmail').isChecked()).toBe(false);
      expect(await page.locator('#imbachat-notifyText').inputValue()).toContain('Hello {name},');

      await page.locator('#imbachat-notifyByEmail').check({ force: true });
      await page.locator('#imbachat-notifyEveryMinutes').fill('30');
      await page.locator('#imbachat-notifySubject').fill('Psst, {name}: {title}');
      await page.locator('#imbachat-notifyText').fill('{title}\n{body}\n\n{siteUrl}');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(page.locator('body'), 'ImbaChat settings saved');
    });
    settingsService(app.strapi).invalidate();
    expect(await settingsService(app.strapi).get()).toMatchObject({
      notifyByEmail: true,
      notifyEveryMinutes: 30,
      notifySubject: 'Psst, {name}: {title}',
      notifyText: '{title}\n{body}\n\n{siteUrl}',
    });
  });

  it('warns while users-permissions does not confirm email addresses, and not once it does', async () => {
    const advanced = app.strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
    const before = (await advanced.get({})) as Record<string, unknown>;
    try {
      await advanced.set({ value: { ...before, email_confirmation: false } });
      let page = await openSettings();
      const warning = page.getByTestId('email-confirmation-off');
      await withScreenshot(page, 'notifications-unconfirmed-warning', async () => {
        await shows(warning, 'Email confirmation is off');
        await shows(warning, "anyone can sign up with someone else's address");
        await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-notifications-unconfirmed.png'), 'notifications');
      });
      await advanced.set({ value: { ...before, email_confirmation: true } });
      page = await openSettings();
      await shows(page.getByTestId('notifications'), 'At most emails a minute, for the whole site');
      expect(await page.getByTestId('email-confirmation-off').count()).toBe(0);
    } finally {
      await advanced.set({ value: before });
    }
  });

  it('saves the site address for links and the site-wide limit, and refuses an address that is not https', async () => {
    const page = await openSettings();
    await page.locator('#imbachat-siteUrl').fill('http://www.front.example');
    await page.locator('#imbachat-notifyMaxPerMinute').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.getByTestId('notifications'), 'An absolute https:// address');
    await shows(page.getByTestId('notifications'), 'A whole number of emails from 1 to 10000');
    await page.locator('#imbachat-siteUrl').fill('https://www.front.example');
    await page.locator('#imbachat-notifyMaxPerMinute').fill('120');
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.locator('body'), 'ImbaChat settings saved');
    settingsService(app.strapi).invalidate();
    expect(await settingsService(app.strapi).get()).toMatchObject({ siteUrl: 'https://www.front.example', notifyMaxPerMinute: 120 });
  });

  it('refuses an empty template and a window out of range next to the fields', async () => {
    const page = await openSettings();
    await page.locator('#imbachat-notifySubject').fill(' ');
    await page.locator('#imbachat-notifyEveryMinutes').fill('5000');
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.getByTestId('notifications'), 'Cannot be empty');
    await shows(page.getByTestId('notifications'), 'A whole number of minutes from 1 to 1440');
  });

  it('lists the notifications URL among the endpoints', async () => {
    const page = await openSettings();
    expect(await page.getByTestId('endpoint-notifications').inputValue()).toBe(`${baseUrl}/api/imbachat/v1/notifications`);
  });
});
