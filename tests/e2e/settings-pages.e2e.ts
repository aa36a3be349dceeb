import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SETTING_KEYS } from '../../contract';
import { createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { createSiteUser, settingsService, uploadImage } from '../helpers/strapi';
import {
  SCREENSHOTS,
  bootAdminSite,
  goToSettingsPage,
  launchBrowser,
  openSettings as openPage,
  pageScreenshot,
  save,
  shows,
  sectionScreenshot,
  withScreenshot,
  type SettingsPageId,
} from './browser';

/** Each page's own settings: what its Save may send. */
const PAGE_KEYS: Record<SettingsPageId, string[]> = {
  connection: ['widgetId', 'apiLogin', 'apiPassword', 'secretKey'],
  users: ['nameField', 'nameTemplate', 'avatarField', 'profileUrlTemplate', 'shareEmail', 'badgeField', 'lastLoginField', 'trackLastSeen', 'friendsField', 'chatRoles', 'roleMap', 'searchMode', 'idSeparator'],
  widget: ['guests', 'widgetScriptUrl', 'tokenTtlSeconds', 'widgetOptions'],
  notifications: ['notifyByEmail', 'siteUrl', 'notifyEveryMinutes', 'notifyMaxPerMinute', 'notifySubject', 'notifyText'],
};
const TITLES: Record<SettingsPageId, string> = { connection: 'Connection', users: 'Users in the chat', widget: 'Widget', notifications: 'Notifications' };

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const heading = (page: Page, settingsPage: SettingsPageId) => page.getByRole('heading', { name: TITLES[settingsPage], level: 1 });

const select = (page: Page, label: string) => page.getByRole('combobox', { name: label });
const pick = async (page: Page, label: string, option: string) => {
  await select(page, label).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};

/** What each PUT of the page sent. */
const recordPuts = (page: Page) => {
  const puts: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().endsWith('/imbachat/settings')) puts.push(request.postDataJSON() as Record<string, unknown>);
  });
  return puts;
};

describe('Settings → ImbaChat, a section of pages', () => {
  const state = bootAdminSite({ IMBACHAT_TOKEN_TTL: '7200' }, async (app) => {
    const avatar = await uploadImage(app.strapi);
    await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell', avatar: avatar.id });
    return {};
  });
  restoreAfterEach(() => state.app);
  const superAdmin = async () => createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]);
  const open = (context: BrowserContext, email: string, settingsPage: SettingsPageId) =>
    openPage(context, state.baseUrl, email, (page) => heading(page, settingsPage), settingsPage);

  it('has its own group in Settings\' menu, Connection first, each page at its own address', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'connection');
    await withScreenshot(page, 'section-menu', async () => {
      const nav = page.getByRole('navigation');
      await nav.getByText('ImbaChat', { exact: true }).first().waitFor();
      const links = (await nav.getByRole('link').allTextContents()).map((text) => text.trim());
      expect(links.filter((text) => Object.values(TITLES).includes(text))).toEqual(['Connection', 'Users in the chat', 'Widget', 'Notifications']);
      for (const id of ['users', 'widget', 'notifications', 'connection'] as SettingsPageId[]) {
        await goToSettingsPage(page, TITLES[id], (opened) => heading(opened, id));
        expect(new URL(page.url()).pathname).toBe(`/admin/settings/imbachat/${id}`);
      }
      expect(SETTING_KEYS.filter((key) => !Object.values(PAGE_KEYS).flat().includes(key))).toEqual([]);
    });
    await context.close();
  });

  it('Users in the chat saves only its own settings; a reload keeps them', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'users');
    const puts = recordPuts(page);
    await withScreenshot(page, 'users-save', async () => {
      await pick(page, 'Name field', 'displayName');
      await pick(page, 'Avatar field', 'avatar (media)');
      await page.locator('#imbachat-profileUrlTemplate').fill('https://example.com/members/{username}/');
      await page.locator('#imbachat-shareEmail').check({ force: true });
      await pick(page, 'Search mode', 'Starts with the term');
      await page.locator('#imbachat-idSeparator').fill('|');
      await save(page);
      expect(puts).toEqual([
        { nameField: 'displayName', avatarField: 'avatar', profileUrlTemplate: 'https://example.com/members/{username}/', shareEmail: true, searchMode: 'prefix', idSeparator: '|' },
      ]);

      await page.reload();
      await heading(page, 'users').waitFor();
      expect(await page.locator('#imbachat-profileUrlTemplate').inputValue()).toBe('https://example.com/members/{username}/');
      expect(await page.locator('#imbachat-idSeparator').inputValue()).toBe('|');
      expect(await page.locator('#imbachat-shareEmail').isChecked()).toBe(true);
      expect((await select(page, 'Name field').textContent())?.trim()).toBe('displayName');
      expect((await select(page, 'Avatar field').textContent())?.trim()).toBe('avatar (media)');
      expect((await select(page, 'Search mode').textContent())?.trim()).toBe('Starts with the term');
      expect(await settingsService(state.app.strapi).get()).toMatchObject({ nameField: 'displayName', avatarField: 'avatar', searchMode: 'prefix', idSeparator: '|' });
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-users.png'));
    });
    await context.close();
  });

  it('Users in the chat: a name template refused under its field (by the contract, then by the server), and a friends relation picked from the user model\'s own', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'users');
    const puts = recordPuts(page);
    await withScreenshot(page, 'users-name-template', async () => {
      await shows(page.locator('#imbachat-nameTemplate-hint'), 'such as {firstName} {lastName}');
      const error = page.locator('#imbachat-nameTemplate-error');
      // The syntax is the contract's: refused before anything is sent.
      await page.locator('#imbachat-nameTemplate').fill('{first name}');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(error, 'Attribute names in braces, such as {firstName} {lastName}, at most 5');
      expect(puts).toEqual([]);
      // Which attributes are public is the server's: its 400 lands under the field.
      await page.locator('#imbachat-nameTemplate').fill('{firstName} {password}');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(error, '"{password}" is not a public text or whole-number attribute of the user model');
      expect(puts).toEqual([{ nameTemplate: '{firstName} {password}' }]);

      await page.locator('#imbachat-nameTemplate').fill('{firstName} {lastName}');
      await select(page, 'Friends').click();
      const options = (await page.getByRole('option').allTextContents()).map((text) => text.trim());
      expect(options).toEqual(['No friends list', 'friends (manyToMany)']);
      await page.getByRole('option', { name: 'friends (manyToMany)', exact: true }).click();
      await save(page);
      expect(puts.slice(1)).toEqual([{ nameTemplate: '{firstName} {lastName}', friendsField: 'friends' }]);
      expect(await settingsService(state.app.strapi).get()).toMatchObject({ nameTemplate: '{firstName} {lastName}', friendsField: 'friends' });
      await page.reload();
      await heading(page, 'users').waitFor();
      expect(await page.locator('#imbachat-nameTemplate').inputValue()).toBe('{firstName} {lastName}');
      expect((await select(page, 'Friends').textContent())?.trim()).toBe('friends (manyToMany)');
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-users-names-friends.png'));
    });
    await context.close();
  });

  it('Widget saves only its own settings, refuses a script address off imbachat.com before sending, and shows the locked lifetime with its reason', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'widget');
    const puts = recordPuts(page);
    await withScreenshot(page, 'widget-save', async () => {
      expect(await page.locator('#imbachat-tokenTtlSeconds').isDisabled()).toBe(true);
      await shows(page.locator('#imbachat-tokenTtlSeconds-hint'), 'Set in config/plugins (imbachat.config.tokenTtlSeconds)');

      const scriptError = page.locator('#imbachat-widgetScriptUrl-error');
      for (const url of ['https://chat.example.com/{widgetId}/widget.js', 'http://api.imbachat.com/{widgetId}/widget', 'https://imbachat.com.example.net/{widgetId}/widget']) {
        await page.locator('#imbachat-widgetScriptUrl').fill(url);
        await page.getByRole('button', { name: 'Save' }).click();
        await shows(scriptError, 'Only an https:// address on imbachat.com or one of its subdomains can be saved here');
      }
      await shows(scriptError, 'another address can only be set in config/plugins (imbachat.config.widgetScriptUrl)');
      expect(puts).toEqual([]);

      await page.locator('#imbachat-widgetScriptUrl').fill('https://cdn.imbachat.com/{widgetId}/widget.js');
      await page.locator('#imbachat-guests').uncheck({ force: true });
      await save(page);
      expect(puts).toEqual([{ widgetScriptUrl: 'https://cdn.imbachat.com/{widgetId}/widget.js', guests: false }]);
      expect(await settingsService(state.app.strapi).get()).toMatchObject({ widgetScriptUrl: 'https://cdn.imbachat.com/{widgetId}/widget.js', guests: false });
    });
    await context.close();
  });

  it('Notifications saves only its own settings', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'notifications');
    const puts = recordPuts(page);
    await withScreenshot(page, 'notifications-save', async () => {
      await page.locator('#imbachat-notifyEveryMinutes').fill('15');
      await save(page);
      expect(puts).toEqual([{ notifyEveryMinutes: 15 }]);
    });
    await context.close();
  });

  it('asks before leaving a page with unsaved changes, for another page of the section too, and keeps them when told to stay', async () => {
    const context = await browser.newContext();
    const page = await open(context, await superAdmin(), 'connection');
    await withScreenshot(page, 'unsaved-changes', async () => {
      await page.locator('#imbachat-widgetId').fill('not-saved-yet');
      await page.getByRole('navigation').getByRole('link', { name: 'Widget', exact: true }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(new URL(page.url()).pathname).toBe('/admin/settings/imbachat/connection');
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe('not-saved-yet');

      await page.getByRole('navigation').getByRole('link', { name: 'Widget', exact: true }).click();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await heading(page, 'widget').waitFor();
      expect((await settingsService(state.app.strapi).get()).widgetId).toBe('');

      // A page left as it was loaded asks nothing.
      await goToSettingsPage(page, 'Notifications', (opened) => heading(opened, 'notifications'));
      expect(await page.getByRole('alertdialog').count()).toBe(0);
    });
    await context.close();
  });
});

describe('Settings → ImbaChat, values set in config/plugins', () => {
  const state = bootAdminSite({ IMBACHAT_API_LOGIN: 'chat-from-env', IMBACHAT_API_PASSWORD: 'api-password-from-env', IMBACHAT_WIDGET_ID: 'env-widget' }, async () => ({}));

  it('shows them disabled with the config key to change instead, and leaves the others editable', async () => {
    const context = await browser.newContext();
    const page = await openPage(
      context,
      state.baseUrl,
      await createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]),
      (opened) => opened.getByTestId('cabinet-values')
    );
    await withScreenshot(page, 'locked', async () => {
      for (const key of ['widgetId', 'apiLogin', 'apiPassword']) {
        expect(await page.locator(`#imbachat-${key}`).isDisabled()).toBe(true);
        await shows(page.locator(`#imbachat-${key}-hint`), `Set in config/plugins (imbachat.config.${key}): change it there`);
      }
      expect(await page.locator('#imbachat-widgetId').inputValue()).toBe('env-widget');
      expect(await page.locator('#imbachat-apiLogin').inputValue()).toBe('chat-from-env');
      expect(await page.getByTestId('apiPassword-status').textContent()).toBe('Set');
      expect(await page.getByTestId('apiPassword-remove').count()).toBe(0);
      expect(await page.locator('#imbachat-secretKey').isDisabled()).toBe(false);
      await sectionScreenshot(page, path.join(SCREENSHOTS, 'settings-locked.png'), 'cabinet-values');
    });
    await context.close();
  });
});
