import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { configure, createSiteUser, settingsService, startStrapi, uploadImage, type TestApp } from '../helpers/strapi';
import {
  ARTIFACTS,
  SCREENSHOTS,
  launchBrowser,
  listen,
  openSettings as openPage,
  pageScreenshot,
  save,
  shows,
  withScreenshot,
  viewScreenshot,
  type SettingsPageId,
} from './browser';

// How the plugin seals a secret at rest, with a body no key can open: what a changed encryption key leaves behind.
const UNREADABLE = 'imbachat-aes256gcm:v1:AAAA.AAAA.AAAA';
const CABINET = { widgetId: 'e2e-widget', apiLogin: 'chat-e2e', apiPassword: 'e2e-api-password', secretKey: 'e2e-secret-key-0123456789' };

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let readerRole: number;

// Strapi limits logins per admin, so each test logs in as an admin of its own.
const superAdmin = async () => createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]);
const reader = () => createAdmin(app.strapi, [readerRole]);

const openSettings = async (context: BrowserContext, email: string, settingsPage: SettingsPageId = 'connection'): Promise<Page> =>
  openPage(context, baseUrl, email, (opened) => opened.getByRole('heading', { level: 1 }), settingsPage);

const settingsStore = () => app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'settings' });

/** The stored row as it is in the database (secrets sealed), written back as it was after each test. */
const readRow = async () => ((await settingsStore().get({})) as Record<string, unknown> | null) ?? {};
const writeRow = async (row: Record<string, unknown>) => {
  await settingsStore().set({ value: row });
  settingsService(app.strapi).invalidate();
};

beforeAll(async () => {
  app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true', IMBACHAT_TOKEN_TTL: '7200' } });
  baseUrl = await listen(app);
  readerRole = await createRole(app.strapi, 'ImbaChat reader', ['plugin::imbachat.settings.read']);
  const avatar = await uploadImage(app.strapi);
  await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell', avatar: avatar.id });
  browser = await launchBrowser();
});

let savedRow: Record<string, unknown>;
beforeEach(async () => {
  savedRow = await readRow();
});
afterEach(async () => {
  await writeRow(savedRow);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('Settings → ImbaChat → Connection', () => {
  it('saves the four values from the cabinet; after a reload they are kept and the secrets show as set but empty', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    const puts: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.postDataJSON() as Record<string, unknown>);
    });
    await withScreenshot(page, 'fill-and-save', async () => {
      await page.getByTestId('cabinet-values').waitFor();
      await shows(page.getByTestId('cabinet-values'), 'the account page at imbachat.com where the widget was created');
      expect(await page.getByTestId('cabinet-link').getAttribute('href')).toBe('https://imbachat.com');
      await page.locator('#imbachat-widgetId').fill(CABINET.widgetId);
      await page.locator('#imbachat-apiLogin').fill(CABINET.apiLogin);
      await page.locator('#imbachat-apiPassword').fill(CABINET.apiPassword);
      await page.locator('#imbachat-secretKey').fill(CABINET.secretKey);
      await save(page);
      // Only this page's settings are sent.
      expect(puts).toEqual([CABINET]);

      await page.reload();
      await page.locator('#imbachat-widgetId').waitFor();
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe(CABINET.widgetId);
      expect(await page.locator('#imbachat-apiLogin').inputValue()).toBe(CABINET.apiLogin);
      for (const secret of ['apiPassword', 'secretKey']) {
        expect(await page.locator(`#imbachat-${secret}`).inputValue()).toBe('');
        expect(await page.getByTestId(`${secret}-status`).textContent()).toBe('Set');
      }
      expect(await settingsService(app.strapi).get()).toMatchObject(CABINET);
      expect(await page.getByTestId('unreadable-secrets').count()).toBe(0);
      expect(await page.getByTestId('apiPassword-warning').count()).toBe(0);
      await shows(page.getByTestId('checklist-cabinet'), 'Widget ID, API login, API password and Secret key are saved.');
    });
    await context.close();
  });

  it('lists the URLs for the cabinet under its labels, apart from the front end\'s, and copies one or all of them', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'copy', async () => {
      const cabinet = page.getByTestId('cabinet-urls');
      const frontEnd = page.getByTestId('front-end-urls');
      const api = `${baseUrl}/api/imbachat`;
      expect(await cabinet.getByTestId('endpoint-usersInfo').inputValue()).toBe(`${api}/v1/users`);
      expect(await cabinet.getByTestId('endpoint-search').inputValue()).toBe(`${api}/v1/search`);
      expect(await cabinet.getByTestId('endpoint-authUsers').inputValue()).toBe(`${api}/v1/auth_users`);
      expect(await cabinet.getByTestId('endpoint-notifications').inputValue()).toBe(`${api}/v1/notifications`);
      expect(await frontEnd.getByTestId('endpoint-token').inputValue()).toBe(`${api}/token`);
      expect(await frontEnd.getByTestId('endpoint-widget').inputValue()).toBe(`${api}/widget`);
      expect(await cabinet.getByTestId('endpoint-token').count()).toBe(0);
      for (const label of ['Users info URL', 'Search URL', 'Auth users URL', 'Notifications URL']) await cabinet.getByText(label, { exact: true }).waitFor();

      await page.getByRole('button', { name: 'Copy Users info URL' }).click();
      await page.getByText('Copied to the clipboard').waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${api}/v1/users`);

      await page.getByTestId('copy-all').click();
      await page.waitForFunction(`navigator.clipboard.readText().then((text) => text.includes('Search URL'))`);
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(
        [
          `Users info URL: ${api}/v1/users`,
          `Search URL: ${api}/v1/search`,
          `Auth users URL: ${api}/v1/auth_users`,
          `Notifications URL: ${api}/v1/notifications`,
        ].join('\n')
      );
    });
    await context.close();
  });

  it('warns that the chat server cannot reach a loopback http address, and not a public https one', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    const previous = app.strapi.config.get('server.url');
    await withScreenshot(page, 'public-url', async () => {
      const warning = page.getByTestId('public-url-warning');
      await shows(warning, "ImbaChat's chat server cannot reach this address; set server.url to your public https URL");
      await shows(warning, `The addresses below start with ${baseUrl}`);
      await shows(warning, 'it is plain http rather than https');
      await shows(warning, "it is this computer's own address");
      expect(await page.getByTestId('checklist-public-url').getAttribute('data-done')).toBe('todo');

      app.strapi.config.set('server.url', 'https://chat.example.com');
      await page.reload();
      await page.getByTestId('checklist-public-url').waitFor();
      await shows(page.getByTestId('checklist-public-url'), "ImbaChat's chat server can reach your site at https://chat.example.com.");
      expect(await page.getByTestId('public-url-warning').count()).toBe(0);
      expect(await page.getByTestId('endpoint-usersInfo').inputValue()).toBe('https://chat.example.com/api/imbachat/v1/users');
    });
    app.strapi.config.set('server.url', previous);
    await context.close();
  });

  it('shows validation messages under the fields, the server\'s too, and warns before leaving with unsaved changes', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'validation', async () => {
      await page.locator('#imbachat-widgetId').fill('not a widget id');
      await page.locator('#imbachat-apiLogin').fill('chat:login');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(page.locator('#imbachat-widgetId-error'), 'Only letters, digits, ".", "_" and "-"');
      await shows(page.locator('#imbachat-apiLogin-error'), 'Cannot contain ":"');

      // The server has the last word: its 400 answer lands next to the field it names.
      await page.locator('#imbachat-widgetId').fill('e2e-widget');
      await page.locator('#imbachat-apiLogin').fill('chat');
      await page.route('**/imbachat/settings', (route) =>
        route.request().method() === 'PUT'
          ? route.fulfill({
              status: 400,
              contentType: 'application/json',
              body: JSON.stringify({
                data: null,
                error: {
                  status: 400,
                  name: 'ValidationError',
                  message: 'widgetId is set in config/plugins',
                  details: { errors: [{ path: ['widgetId'], message: 'Refused by the server', name: 'ValidationError' }] },
                },
              }),
            })
          : route.continue()
      );
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(page.locator('#imbachat-widgetId-error'), 'Refused by the server');
      await page.unroute('**/imbachat/settings');

      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('alertdialog').waitFor();
    });
    await context.close();
  });

  it('refuses a secret key under 16 characters before sending anything', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    await withScreenshot(page, 'validation-secret', async () => {
      await page.locator('#imbachat-secretKey').fill('short-secret');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(page.locator('#imbachat-secretKey-error'), 'At least 16 characters: paste the Secret key from the ImbaChat cabinet');
      expect(puts).toEqual([]);

      await page.locator('#imbachat-secretKey').fill('a-secret-key-of-24-chars');
      await save(page);
      expect(await settingsService(app.strapi).get()).toMatchObject({ secretKey: 'a-secret-key-of-24-chars' });
    });
    await context.close();
  });

  it('says which saved secrets cannot be decrypted and clears the banner once they are entered again or removed', async () => {
    await configure(app.strapi, { widgetId: 'e2e-widget', apiLogin: 'chat-e2e' });
    await writeRow({ ...(await readRow()), apiPassword: UNREADABLE, secretKey: UNREADABLE });
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'unreadable-secrets', async () => {
      const banner = page.getByTestId('unreadable-secrets');
      await shows(banner, 'Saved secrets can no longer be decrypted');
      await shows(banner, 'The saved API password and Secret key cannot be decrypted');
      await shows(banner, 'admin.secrets.encryptionKey');
      await shows(banner, "Until then ImbaChat's chat server cannot reach your site and logged-in users get no chat");
      await shows(banner, 'Enter them again below and save, or restore the old encryption key');
      for (const secret of ['apiPassword', 'secretKey']) {
        expect(await page.getByTestId(`${secret}-status`).textContent()).toBe('Cannot be decrypted: enter it again');
      }
      await shows(page.getByTestId('checklist-cabinet'), 'Copy API password and Secret key from your ImbaChat cabinet');
      await viewScreenshot(page, path.join(SCREENSHOTS, 'settings-unreadable-secret.png'));

      // A new API password replaces the unreadable one; the Secret key is still asked for.
      await page.locator('#imbachat-apiPassword').fill('a-new-api-password-0123');
      await save(page);
      await shows(banner, 'A saved secret can no longer be decrypted');
      await shows(banner, 'The saved Secret key cannot be decrypted');
      expect(await banner.textContent()).not.toContain('API password');
      expect(await page.getByTestId('apiPassword-status').textContent()).toBe('Set');

      // Removing the unreadable Secret key (null) clears it too.
      await page.getByTestId('secretKey-remove').click();
      expect(await page.getByTestId('secretKey-status').textContent()).toBe('Will be removed on save');
      await save(page);
      await banner.waitFor({ state: 'detached' });
      expect(await page.getByTestId('secretKey-status').textContent()).toBe('Not set');

      const row = await readRow();
      expect(row.secretKey).toBeUndefined();
      expect(row.apiPassword).not.toBe(UNREADABLE);
      expect(await settingsService(app.strapi).getPublic()).toMatchObject({ unreadableSecrets: [], apiPasswordSet: true, secretKeySet: false });
      expect(await settingsService(app.strapi).get()).toMatchObject({ apiPassword: 'a-new-api-password-0123' });
    });
    await context.close();
  });

  it('warns, without refusing, about an API password shorter than 12 characters: saved or being typed', async () => {
    await configure(app.strapi, { apiPassword: 'short-pw-11' });
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'short-password', async () => {
      const warning = page.getByTestId('apiPassword-warning');
      await shows(warning, 'This password is shorter than 12 characters');
      await shows(warning, "set a longer one in the widget's settings in your cabinet");
      expect(await page.getByTestId('apiPassword-status').textContent()).toBe('Set');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'short-api-password.png') });

      await page.locator('#imbachat-apiPassword').fill('abc');
      await shows(warning, 'Shorter than 12 characters: it can be saved');
      await page.locator('#imbachat-apiPassword').fill('long-enough-password');
      await warning.waitFor({ state: 'detached' });
      await page.locator('#imbachat-apiPassword').fill('');
      await shows(warning, 'This password is shorter than 12 characters');

      // Saving a short one is allowed: the warning stays, now about the saved value.
      await page.locator('#imbachat-apiPassword').fill('tiny-pw');
      await save(page);
      await shows(warning, 'This password is shorter than 12 characters');
      expect(await settingsService(app.strapi).get()).toMatchObject({ apiPassword: 'tiny-pw' });
    });
    await context.close();
  });

  // The page in two of its eight languages, every message below read from that language's file.
  it.each([
    {
      language: 'ru',
      title: 'Подключение',
      cabinet: 'Из вашего кабинета ImbaChat',
      apiPassword: 'API пароль',
      checklist: 'ID виджета, API логин, API пароль и секретный ключ сохранены.',
      warning: 'Чат-сервер ImbaChat не может обратиться по этому адресу',
      save: 'Сохранить',
      usersPage: 'Пользователи в чате',
      nobodyLocked: 'Никто не заблокирован.',
    },
    {
      language: 'de',
      title: 'Verbindung',
      cabinet: 'Aus Ihrem ImbaChat-Kundenbereich',
      apiPassword: 'API-Passwort',
      checklist: 'Widget-ID, API-Login, API-Passwort und geheimer Schlüssel sind gespeichert.',
      warning: 'Der Chat-Server von ImbaChat kann diese Adresse nicht erreichen',
      save: 'Speichern',
      usersPage: 'Benutzer im Chat',
      nobodyLocked: 'Niemand ist gesperrt.',
    },
  ])('speaks $language when the admin does', async (words) => {
    await configure(app.strapi, CABINET);
    const context = await browser.newContext();
    await context.addInitScript(`window.localStorage.setItem('strapi-admin-language', '${words.language}')`);
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, `language-${words.language}`, async () => {
      await page.getByRole('heading', { name: words.title, level: 1 }).waitFor();
      await page.getByRole('heading', { name: words.cabinet }).waitFor();
      await page.getByText(words.apiPassword, { exact: true }).waitFor();
      await shows(page.getByTestId('checklist-cabinet'), words.checklist);
      await shows(page.getByTestId('public-url-warning'), words.warning);
      await page.getByRole('button', { name: words.save }).waitFor();
      await page.getByRole('link', { name: words.usersPage }).waitFor();
      await page.getByTestId('chat-server-status').getByText(words.nobodyLocked).waitFor();
      await pageScreenshot(page, path.join(SCREENSHOTS, `settings-connection-${words.language}.png`));
    });
    await context.close();
  });
});

describe('Settings → ImbaChat, read-only', () => {
  it('gives an admin with read but not update permission nothing editable on any page, and no Test API, Unlock or test email', async () => {
    await configure(app.strapi, { ...CABINET, widgetOptions: { theme: 'dark' } });
    const context = await browser.newContext();
    const page = await openSettings(context, await reader());
    await withScreenshot(page, 'read-only', async () => {
      await page.getByTestId('read-only').waitFor();
      for (const field of ['widgetId', 'apiLogin', 'apiPassword', 'secretKey']) expect(await page.locator(`#imbachat-${field}`).isDisabled()).toBe(true);
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe(CABINET.widgetId);
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      expect(await page.getByTestId('test-run').isDisabled()).toBe(true);
      await page.getByTestId('chat-server-status').waitFor();
      expect(await page.getByRole('button', { name: 'Unlock' }).count()).toBe(0);
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-read-only.png'));

      const pages: [SettingsPageId, string[]][] = [
        ['users', ['profileUrlTemplate', 'idSeparator', 'shareEmail', 'trackLastSeen', 'chatRoles']],
        ['widget', ['guests', 'tokenTtlSeconds', 'widgetScriptUrl']],
        ['notifications', ['notifyByEmail', 'siteUrl', 'notifyEveryMinutes', 'notifyMaxPerMinute', 'notifySubject', 'notifyText']],
      ];
      for (const [id, fields] of pages) {
        await page.goto(`${baseUrl}/admin/settings/imbachat/${id}`);
        await page.getByTestId('read-only').waitFor();
        for (const field of fields) expect(await page.locator(`#imbachat-${field}`).isDisabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      }
      expect(await page.getByTestId('test-email-send').isDisabled()).toBe(true);
    });
    await context.close();
  });
});
