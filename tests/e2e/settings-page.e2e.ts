import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { configure, createSiteUser, settingsService, startStrapi, uploadImage, type TestApp } from '../helpers/strapi';
import { ARTIFACTS, SCREENSHOTS, launchBrowser, listen, openSettings as openPage, pageScreenshot, shows, withScreenshot } from './browser';

const SCRIPT_URL = 'https://cdn.imbachat.com/{widgetId}/widget.js';
// How the plugin seals a secret at rest, with a body no key can open: what a changed encryption key leaves behind.
const UNREADABLE = 'imbachat-aes256gcm:v1:AAAA.AAAA.AAAA';
// What the first test types into the page; other tests that need a configured widget save it directly.
const FILLED = {
  widgetId: 'e2e-widget',
  widgetScriptUrl: SCRIPT_URL,
  apiLogin: 'chat-e2e',
  apiPassword: 'e2e-api-password',
  secretKey: 'e2e-secret-key-0123456789',
  nameField: 'displayName',
  avatarField: 'avatar',
  profileUrlTemplate: 'https://example.com/members/{username}/',
  shareEmail: true,
  searchMode: 'prefix',
  idSeparator: '|',
};

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let readerRole: number;
let alice: { id: number };

// Strapi limits logins per admin, so each test logs in as an admin of its own.
const superAdmin = async () => createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]);
const reader = () => createAdmin(app.strapi, [readerRole]);

const openSettings = async (context: BrowserContext, email: string): Promise<Page> => {
  const page = await openPage(context, baseUrl, email, (opened) => opened.getByRole('heading', { level: 1 }));
  await page.locator('#imbachat-widgetId').waitFor();
  return page;
};

const settingsStore = () => app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'settings' });

/** The stored row as it is in the database (secrets sealed), written back as it was after each test. */
const readRow = async () => ((await settingsStore().get({})) as Record<string, unknown> | null) ?? {};
const writeRow = async (row: Record<string, unknown>) => {
  await settingsStore().set({ value: row });
  settingsService(app.strapi).invalidate();
};

const select = (page: Page, label: string) => page.getByRole('combobox', { name: label });

const pick = async (page: Page, label: string, option: string) => {
  await select(page, label).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};

beforeAll(async () => {
  app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true', IMBACHAT_TOKEN_TTL: '7200' } });
  baseUrl = await listen(app);
  readerRole = await createRole(app.strapi, 'ImbaChat reader', ['plugin::imbachat.settings.read']);
  const avatar = await uploadImage(app.strapi);
  alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell', avatar: avatar.id });
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

describe('Settings → ImbaChat', () => {
  it('saves every field; after a reload the values are kept and the secrets show as set but empty', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'fill-and-save', async () => {
      await page.locator('#imbachat-widgetId').fill('e2e-widget');
      await page.locator('#imbachat-widgetScriptUrl').fill(SCRIPT_URL);
      await page.locator('#imbachat-apiLogin').fill('chat-e2e');
      await page.locator('#imbachat-apiPassword').fill('e2e-api-password');
      await page.locator('#imbachat-secretKey').fill('e2e-secret-key-0123456789');
      await pick(page, 'Name field', 'displayName');
      await pick(page, 'Avatar field', 'avatar (media)');
      await page.locator('#imbachat-profileUrlTemplate').fill('https://example.com/members/{username}/');
      await page.locator('#imbachat-shareEmail').check({ force: true });
      await pick(page, 'Search mode', 'Starts with the term');
      await page.locator('#imbachat-idSeparator').fill('|');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();

      await page.reload();
      await page.locator('#imbachat-widgetId').waitFor();
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe('e2e-widget');
      expect(await page.locator('#imbachat-widgetScriptUrl').inputValue()).toBe(SCRIPT_URL);
      expect(await page.locator('#imbachat-apiLogin').inputValue()).toBe('chat-e2e');
      expect(await page.locator('#imbachat-profileUrlTemplate').inputValue()).toBe('https://example.com/members/{username}/');
      expect(await page.locator('#imbachat-idSeparator').inputValue()).toBe('|');
      expect(await page.locator('#imbachat-shareEmail').isChecked()).toBe(true);
      expect((await select(page, 'Name field').textContent())?.trim()).toBe('displayName');
      expect((await select(page, 'Avatar field').textContent())?.trim()).toBe('avatar (media)');
      expect((await select(page, 'Search mode').textContent())?.trim()).toBe('Starts with the term');
      for (const secret of ['apiPassword', 'secretKey']) {
        expect(await page.locator(`#imbachat-${secret}`).inputValue()).toBe('');
        expect(await page.getByTestId(`${secret}-status`).textContent()).toBe('Set');
      }
      const stored = await settingsService(app.strapi).get();
      expect(stored).toMatchObject({ apiPassword: 'e2e-api-password', secretKey: 'e2e-secret-key-0123456789', searchMode: 'prefix' });
      expect(await page.getByTestId('unreadable-secrets').count()).toBe(0);
      expect(await page.getByTestId('apiPassword-warning').count()).toBe(0);
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-page.png'));
    });
    await context.close();
  });

  it('copies an endpoint URL', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'copy', async () => {
      expect(await page.getByTestId('endpoint-usersInfo').inputValue()).toBe(`${baseUrl}/api/imbachat/v1/users`);
      await page.getByRole('button', { name: 'Copy Users info URL' }).click();
      await page.getByText('Copied to the clipboard').waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${baseUrl}/api/imbachat/v1/users`);
    });
    await context.close();
  });

  it('runs Test API and shows the user\'s name', async () => {
    await configure(app.strapi, FILLED);
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'test-api', async () => {
      await page.locator('#imbachat-test-user-ids').fill(String(alice.id));
      await page.getByRole('button', { name: 'Test API' }).click();
      const result = page.getByTestId('test-result');
      await result.waitFor();
      await shows(result, 'HTTP 200');
      await shows(result, 'Alice Liddell');
      await shows(result, 'The users info URL answers 1 user.');
      await page.getByTestId('test-api').screenshot({ path: path.join(SCREENSHOTS, 'test-api.png') });
    });
    await context.close();
  });

  it('shows a value locked by config/plugins disabled, naming the config key', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'locked', async () => {
      expect(await page.locator('#imbachat-tokenTtlSeconds').isDisabled()).toBe(true);
      await page.getByText('Set in config/plugins (imbachat.config.tokenTtlSeconds)').waitFor();
      expect(await page.locator('#imbachat-widgetId').isDisabled()).toBe(false);
    });
    await context.close();
  });

  it('shows validation messages next to the fields and warns before leaving with unsaved changes', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'validation', async () => {
      await page.locator('#imbachat-widgetScriptUrl').fill('not a url');
      await page.locator('#imbachat-idSeparator').fill('7');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Only an https:// address on imbachat.com').waitFor();
      await page.getByText('One to five characters, no digits').waitFor();

      // The server has the last word: its 400 answer lands next to the field it names.
      await page.locator('#imbachat-widgetScriptUrl').fill(SCRIPT_URL);
      await page.locator('#imbachat-idSeparator').fill(';');
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
      await page.locator('#imbachat-widgetId').locator('xpath=ancestor::*[3]').getByText('Refused by the server').waitFor();
      await page.unroute('**/imbachat/settings');

      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('alertdialog').waitFor();
    });
    await context.close();
  });

  it('refuses a widget script address off imbachat.com and a secret key under 16 characters before sending anything', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    await withScreenshot(page, 'validation-script-and-secret', async () => {
      const errorOf = (name: string) => page.locator(`#imbachat-${name}-error`);
      await page.locator('#imbachat-widgetScriptUrl').fill('https://chat.example.com/{widgetId}/widget.js');
      await page.locator('#imbachat-secretKey').fill('short-secret');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(errorOf('widgetScriptUrl'), 'Only an https:// address on imbachat.com or one of its subdomains can be saved here');
      await shows(errorOf('widgetScriptUrl'), 'another address can only be set in config/plugins (imbachat.config.widgetScriptUrl)');
      await shows(errorOf('secretKey'), 'At least 16 characters: paste the Secret key from the ImbaChat cabinet');
      // http on imbachat.com and a look-alike host are refused too.
      for (const url of ['http://api.imbachat.com/{widgetId}/widget', 'https://imbachat.com.example.net/{widgetId}/widget']) {
        await page.locator('#imbachat-widgetScriptUrl').fill(url);
        await page.getByRole('button', { name: 'Save' }).click();
        await shows(errorOf('widgetScriptUrl'), 'Only an https:// address on imbachat.com');
      }
      expect(puts).toEqual([]);

      // Fixed, the same form saves.
      await page.locator('#imbachat-widgetScriptUrl').fill('https://api.imbachat.com/imbachat/v1/{widgetId}/widget');
      await page.locator('#imbachat-secretKey').fill('a-secret-key-of-24-chars');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      expect(await settingsService(app.strapi).get()).toMatchObject({ secretKey: 'a-secret-key-of-24-chars' });
    });
    await context.close();
  });

  it('says which saved secrets cannot be decrypted and clears the banner once they are entered again or removed', async () => {
    await configure(app.strapi, { apiLogin: 'chat-e2e' });
    await writeRow({ ...(await readRow()), apiPassword: UNREADABLE, secretKey: UNREADABLE });
    const context = await browser.newContext();
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'unreadable-secrets', async () => {
      const banner = page.getByTestId('unreadable-secrets');
      await shows(banner, 'Saved secrets can no longer be decrypted');
      await shows(banner, 'The saved API password and Secret key cannot be decrypted');
      await shows(banner, 'admin.secrets.encryptionKey');
      await shows(banner, 'Until then ImbaChat\'s chat server cannot reach your site (the chat API answers 503) and no chat tokens are issued');
      await shows(banner, 'the chat token URL answers 503');
      await shows(banner, 'Enter them again below and save, or restore the old encryption key');
      for (const secret of ['apiPassword', 'secretKey']) {
        expect(await page.getByTestId(`${secret}-status`).textContent()).toBe('Cannot be decrypted: enter it again');
      }
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'unreadable-secrets-banner.png') });

      // A new API password replaces the unreadable one; the Secret key is still asked for.
      await page.locator('#imbachat-apiPassword').fill('a-new-api-password-0123');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      await shows(banner, 'A saved secret can no longer be decrypted');
      await shows(banner, 'The saved Secret key cannot be decrypted');
      expect(await banner.textContent()).not.toContain('API password');
      expect(await page.getByTestId('apiPassword-status').textContent()).toBe('Set');

      // Removing the unreadable Secret key (null) clears it too.
      await page.getByTestId('secretKey-remove').click();
      expect(await page.getByTestId('secretKey-status').textContent()).toBe('Will be removed on save');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').last().waitFor();
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
      await shows(warning, 'set a longer one in the widget\'s settings in the cabinet');
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
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      await shows(warning, 'This password is shorter than 12 characters');
      expect(await settingsService(app.strapi).get()).toMatchObject({ apiPassword: 'tiny-pw' });
    });
    await context.close();
  });

  it('gives an admin with read but not update permission nothing editable', async () => {
    await configure(app.strapi, { widgetId: 'read-only-widget' });
    const context = await browser.newContext();
    const page = await openSettings(context, await reader());
    await withScreenshot(page, 'read-only', async () => {
      await page.getByTestId('read-only').waitFor();
      const fields = ['widgetId', 'widgetScriptUrl', 'apiLogin', 'apiPassword', 'secretKey', 'tokenTtlSeconds', 'profileUrlTemplate', 'idSeparator'];
      for (const field of fields) expect(await page.locator(`#imbachat-${field}`).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Test API' }).isDisabled()).toBe(true);
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe('read-only-widget');
    });
    await context.close();
  });

  it('speaks Russian when the admin does', async () => {
    await configure(app.strapi, FILLED);
    const context = await browser.newContext();
    await context.addInitScript("window.localStorage.setItem('strapi-admin-language', 'ru')");
    const page = await openSettings(context, await superAdmin());
    await withScreenshot(page, 'russian', async () => {
      await page.getByRole('heading', { name: 'Доступ чат-сервера' }).waitFor();
      await page.getByText('API пароль', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Сохранить' }).waitFor();
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-page-ru.png'));
    });
    await context.close();
  });
});
