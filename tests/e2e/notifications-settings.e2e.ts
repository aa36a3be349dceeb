import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { settingsService, startStrapi, type TestApp } from '../helpers/strapi';
import { ARTIFACTS, SCREENSHOTS, launchBrowser, listen, openSettings as openPage, pageScreenshot, save, sectionScreenshot, shows, withScreenshot } from './browser';

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let smtp: TestSmtp;

/** The Notifications page for an admin of its own; `email` is that admin's address. */
const openSettings = async (): Promise<{ page: Page; email: string }> => {
  const email = await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]);
  const page = await openPage(await browser.newContext(), baseUrl, email, (opened) => opened.locator('#imbachat-notifyText'), 'notifications');
  return { page, email };
};

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true', ...smtp.env } });
  baseUrl = await listen(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.stop();
});

describe('Settings → ImbaChat → Notifications', () => {
  restoreAfterEach(() => app);

  it('explains each option, names the placeholders and saves the templates', async () => {
    const { page } = await openSettings();
    const section = page.getByTestId('notifications');
    await withScreenshot(page, 'notifications-section', async () => {
      await shows(section, 'the chat server tells your site at the Notifications URL, and the plugin emails that user');
      await shows(page.locator('#imbachat-notifyText-hint'), 'Plain text with {name}, {title}, {body} and {siteUrl} filled in');
      await shows(page.locator('#imbachat-notifySubject-hint'), '{title} is the message\'s title');
      expect(await page.locator('#imbachat-notifyByEmail').isChecked()).toBe(false);
      expect(await page.locator('#imbachat-notifyText').inputValue()).toContain('Hello {name},');

      await page.locator('#imbachat-notifyByEmail').check({ force: true });
      await page.locator('#imbachat-notifyEveryMinutes').fill('30');
      await page.locator('#imbachat-notifySubject').fill('Psst, {name}: {title}');
      await page.locator('#imbachat-notifyText').fill('{title}\n{body}\n\n{siteUrl}');
      await save(page);
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
      let { page } = await openSettings();
      const warning = page.getByTestId('email-confirmation-off');
      await withScreenshot(page, 'notifications-unconfirmed-warning', async () => {
        await shows(warning, 'Email confirmation is off');
        await shows(warning, "anyone can sign up with someone else's address");
        await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-notifications-unconfirmed.png'), 'notifications');
      });
      await advanced.set({ value: { ...before, email_confirmation: true } });
      ({ page } = await openSettings());
      await shows(page.getByTestId('notifications'), 'At most emails a minute, for the whole site');
      expect(await page.getByTestId('email-confirmation-off').count()).toBe(0);
    } finally {
      await advanced.set({ value: before });
    }
  });

  it('saves the site address for links and the site-wide limit, and refuses an address that is not https', async () => {
    const { page } = await openSettings();
    await page.locator('#imbachat-siteUrl').fill('http://www.front.example');
    await page.locator('#imbachat-notifyMaxPerMinute').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.locator('#imbachat-siteUrl-error'), 'An absolute https:// address');
    await shows(page.locator('#imbachat-notifyMaxPerMinute-error'), 'A whole number of emails from 1 to 10000');
    await page.locator('#imbachat-siteUrl').fill('https://www.front.example');
    await page.locator('#imbachat-notifyMaxPerMinute').fill('120');
    await save(page);
    settingsService(app.strapi).invalidate();
    expect(await settingsService(app.strapi).get()).toMatchObject({ siteUrl: 'https://www.front.example', notifyMaxPerMinute: 120 });
  });

  it('refuses an empty template and a window out of range next to the fields', async () => {
    const { page } = await openSettings();
    await page.locator('#imbachat-notifySubject').fill(' ');
    await page.locator('#imbachat-notifyEveryMinutes').fill('5000');
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.locator('#imbachat-notifySubject-error'), 'Cannot be empty');
    await shows(page.locator('#imbachat-notifyEveryMinutes-error'), 'A whole number of minutes from 1 to 1440');
  });

  it('sends a test email to the signed-in admin through the provider in use, and says why not when it is refused', async () => {
    const { page, email } = await openSettings();
    const panel = page.getByTestId('test-email');
    await withScreenshot(page, 'test-email', async () => {
      await shows(page.getByTestId('email-provider'), "Emails go out through Strapi's email plugin, with the provider nodemailer.");
      await shows(panel, `To your address, ${email}`);
      const before = smtp.received.length;
      await page.getByTestId('test-email-send').click();
      await shows(page.getByTestId('test-email-result'), `Sent to ${email} through nodemailer`);
      const [mail] = (await smtp.waitFor(before + 1)).slice(before);
      expect(mail.envelopeTo).toEqual([email]);
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-notifications.png'));
    });

    // Refused by the mail server: the reason, in words (another admin: one test email per admin every few seconds).
    smtp.refuseRecipients = 'Mailbox unavailable';
    try {
      const other = await openSettings();
      await withScreenshot(other.page, 'test-email-refused', async () => {
        await other.page.getByTestId('test-email-send').click();
        await shows(other.page.getByTestId('test-email-result'), `Not sent to ${other.email}:`);
        await shows(other.page.getByTestId('test-email-result'), 'Mailbox unavailable');
      });
    } finally {
      smtp.refuseRecipients = null;
    }
  });

  it('the notifications URL to paste into the cabinet is on the Connection page', async () => {
    const { page } = await openSettings();
    await page.getByRole('navigation').getByRole('link', { name: 'Connection', exact: true }).click();
    await page.getByTestId('cabinet-urls').waitFor();
    expect(await page.getByTestId('endpoint-notifications').inputValue()).toBe(`${baseUrl}/api/imbachat/v1/notifications`);
  });
});
