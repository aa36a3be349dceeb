import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WidgetOptions } from '../../contract';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, settingsService, siteUserJwt, type TestApp } from '../helpers/strapi';
import { ARTIFACTS, SCREENSHOTS, bootAdminSite, launchBrowser, openSettings as openPage, pageScreenshot, save, sectionScreenshot, shows, withScreenshot } from './browser';

const WIDGET = { widgetId: 'appearance-e2e', secretKey: 'appearance-e2e-secret-key' };
const OPTION_LABELS = ['Language', 'Theme', 'Position', 'Resizable window', 'Draggable window', 'Unread count on the favicon', 'Unread count in the title'];

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** One booted playground per describe: the locked case needs config/plugins of its own. */
const bootPlayground = (env: Record<string, string> = {}) =>
  bootAdminSite(env, async (app) => {
    await configure(app.strapi, WIDGET);
    return { jwt: await siteUserJwt(app.strapi, (await createSiteUser(app.strapi, { username: 'appearance' })).id) };
  });

const store = (app: TestApp) => app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'settings' });
const writeRow = async (app: TestApp, row: Record<string, unknown>) => {
  await store(app).set({ value: row });
  settingsService(app.strapi).invalidate();
};

const openSettings = (context: BrowserContext, baseUrl: string, email: string) =>
  openPage(context, baseUrl, email, (page) => page.getByTestId('appearance'), 'widget');

const select = (page: Page, label: string) => page.getByTestId('appearance').getByRole('combobox', { name: label, exact: true });
const pick = async (page: Page, label: string, option: string) => {
  await select(page, label).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};
const selected = async (page: Page, label: string) => (await select(page, label).textContent())?.trim();
const preview = async (page: Page) => page.getByTestId('load-preview-code').textContent();

/** The call as the front end makes it for a logged-in user: JSON, with the user's own id and token as placeholders. */
const loadCall = (options: WidgetOptions, userId = '<user id>', token = '<chat token>') =>
  `ImbaChat.load(${JSON.stringify({ user_id: 0, token, ...options }, null, 2).replace('"user_id": 0', `"user_id": ${userId}`)})`;


describe('Settings → ImbaChat → Widget → Appearance', () => {
  const state = bootPlayground();
  restoreAfterEach(() => state.app);
  const superAdmin = async () => createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]);
  const widget = () => state.app.http().get('/api/imbachat/widget');
  const token = () => state.app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${state.jwt}`);

  it('picks options while the preview follows, saves them for /widget and /token, and "Widget default" takes one out again', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    const puts: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.postDataJSON() as Record<string, unknown>);
    });
    await withScreenshot(page, 'appearance-save', async () => {
      for (const label of OPTION_LABELS) expect(await selected(page, label)).toBe('Widget default');
      expect(await preview(page)).toBe('ImbaChat.load({\n  "user_id": <user id>,\n  "token": "<chat token>"\n})');
      await shows(page.locator('#imbachat-widgetOptions-useFaviconBadge-hint'), 'tab icon shows how many messages are unread');

      await pick(page, 'Language', 'Русский (ru-RUS)');
      expect(await preview(page)).toBe(loadCall({ language: 'ru-RUS' }));
      await pick(page, 'Unread count in the title', 'On');
      await pick(page, 'Theme', 'Dark');
      await pick(page, 'Draggable window', 'Off');
      // In the page's order, whatever order they were picked in.
      const chosen: WidgetOptions = { language: 'ru-RUS', theme: 'dark', draggable: false, updateTitle: true };
      expect(await preview(page)).toBe(loadCall(chosen));
      await save(page);

      expect(puts).toEqual([{ widgetOptions: chosen }]);
      expect((await settingsService(state.app.strapi).get()).widgetOptions).toEqual(chosen);
      const visitor = await widget();
      expect(visitor.status).toBe(200);
      expect(visitor.body).toEqual({ widget_id: WIDGET.widgetId, script_url: expect.any(String), options: chosen });
      expect((await token()).body.options).toEqual(chosen);

      await page.reload();
      await page.getByTestId('appearance').waitFor();
      expect(await selected(page, 'Language')).toBe('Русский (ru-RUS)');
      expect(await selected(page, 'Theme')).toBe('Dark');
      expect(await selected(page, 'Draggable window')).toBe('Off');
      expect(await selected(page, 'Unread count in the title')).toBe('On');
      expect(await selected(page, 'Position')).toBe('Widget default');
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-appearance.png'), 'appearance');
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-widget.png'));

      // Back to the widget's default: the key leaves the preview, the store and the answers.
      await pick(page, 'Theme', 'Widget default');
      const withoutTheme: WidgetOptions = { language: 'ru-RUS', draggable: false, updateTitle: true };
      expect(await preview(page)).toBe(loadCall(withoutTheme));
      expect(await preview(page)).not.toContain('theme');
      await pick(page, 'Language', 'Follow the front end (auto)');
      await save(page);
      expect(puts[1]).toEqual({ widgetOptions: { ...withoutTheme, language: 'auto' } });
      const stored = (await settingsService(state.app.strapi).get()).widgetOptions;
      expect(stored).toEqual({ language: 'auto', draggable: false, updateTitle: true });
      expect(Object.keys(stored)).not.toContain('theme');
      expect((await widget()).body.options).toEqual({ language: 'auto', draggable: false, updateTitle: true });

      // An edit undone is no change: nothing to save.
      await pick(page, 'Position', 'Left');
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
      await pick(page, 'Position', 'Widget default');
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    });
    await context.close();
  });

  it('turns visitors off: /widget answers {guests:false} and the preview says visitors get nothing, while logged-in users keep their token', async () => {
    await configure(state.app.strapi, { widgetOptions: { theme: 'dark' } });
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'appearance-guests', async () => {
      const guests = page.locator('#imbachat-guests');
      expect(await guests.isChecked()).toBe(true);
      await shows(page.locator('#imbachat-guests-hint'), 'Visitors who are not logged in get the widget too; logged-in users always do.');
      await shows(page.getByTestId('load-preview-notes'), 'Visitors who are not logged in get the same options, without a user id and token.');

      await guests.uncheck({ force: true });
      await shows(page.getByTestId('load-preview-notes'), 'get no widget while "Visitors see the chat" is off');
      await save(page);
      expect((await settingsService(state.app.strapi).get()).guests).toBe(false);
      const visitor = await widget();
      expect(visitor.status).toBe(200);
      expect(visitor.body).toEqual({ guests: false });
      const user = await token();
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject({ widget_id: WIDGET.widgetId, options: { theme: 'dark' } });
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-appearance-guests-off.png'), 'appearance');

      await guests.check({ force: true });
      await save(page);
      expect((await widget()).body).toMatchObject({ widget_id: WIDGET.widgetId, options: { theme: 'dark' } });
    });
    await context.close();
  });

  it('shows a stored language code the list lacks as itself, and a stored key the contract refuses under the section until reset', async () => {
    await writeRow(state.app, { ...((await store(state.app).get({})) ?? {}), widgetOptions: { language: 'de', size: 'big' } });
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    const puts: unknown[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.postDataJSON());
    });
    await withScreenshot(page, 'appearance-invalid', async () => {
      expect(await selected(page, 'Language')).toBe('de (saved code)');
      expect(await preview(page)).toBe(loadCall({ language: 'de', size: 'big' } as WidgetOptions));

      await pick(page, 'Theme', 'Dark');
      await page.getByRole('button', { name: 'Save' }).click();
      await shows(page.getByTestId('widgetOptions-error'), 'Not valid widget options');
      expect(puts).toEqual([]);
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-appearance-invalid.png'), 'appearance');

      await page.getByTestId('widgetOptions-reset').click();
      expect(await preview(page)).toBe(loadCall({}));
      for (const label of OPTION_LABELS) expect(await selected(page, label)).toBe('Widget default');
      await save(page);
      expect(puts).toEqual([{ widgetOptions: {} }]);
      expect((await settingsService(state.app.strapi).get()).widgetOptions).toEqual({});
      expect(await page.getByTestId('widgetOptions-reset').isDisabled()).toBe(true);
    });
    await context.close();
  });

  it('gives an admin with read but not update permission nothing editable in the section', async () => {
    await configure(state.app.strapi, { widgetOptions: { position: 'left', resizable: false } });
    const readerRole = await createRole(state.app.strapi, 'ImbaChat appearance reader', ['plugin::imbachat.settings.read']);
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await createAdmin(state.app.strapi, [readerRole]));
    await withScreenshot(page, 'appearance-read-only', async () => {
      await page.getByTestId('read-only').waitFor();
      expect(await page.locator('#imbachat-guests').isDisabled()).toBe(true);
      for (const label of OPTION_LABELS) expect(await select(page, label).getAttribute('aria-disabled')).toBe('true');
      expect(await page.getByTestId('widgetOptions-reset').isDisabled()).toBe(true);
      expect(await selected(page, 'Position')).toBe('Left');
      expect(await preview(page)).toBe(loadCall({ position: 'left', resizable: false }));
    });
    await context.close();
  });

  it('speaks Russian when the admin does', async () => {
    await configure(state.app.strapi, { widgetOptions: { language: 'auto', theme: 'dark', useFaviconBadge: true } });
    const context = await browser.newContext();
    await context.addInitScript("window.localStorage.setItem('strapi-admin-language', 'ru')");
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'appearance-russian', async () => {
      await page.getByRole('heading', { name: 'Внешний вид', exact: true }).waitFor();
      expect(await selected(page, 'Язык')).toBe('Как на сайте (auto)');
      expect(await selected(page, 'Тема')).toBe('Тёмная');
      expect(await selected(page, 'Положение')).toBe('По умолчанию виджета');
      expect(await selected(page, 'Счётчик на значке сайта')).toBe('Вкл');
      expect(await preview(page)).toBe(loadCall({ language: 'auto', theme: 'dark', useFaviconBadge: true }, '<id пользователя>', '<чат-токен>'));
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-appearance-ru.png'), 'appearance');
    });
    await context.close();
  });
});

describe('Settings → ImbaChat → Widget → Appearance, locked by config/plugins', () => {
  const state = bootPlayground({ IMBACHAT_GUESTS: 'false', IMBACHAT_WIDGET_OPTIONS: JSON.stringify({ theme: 'dark', position: 'left' }) });

  it('shows guests and the widget options read-only, naming the config keys, as /widget answers them', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]));
    await withScreenshot(page, 'appearance-locked', async () => {
      expect(await page.locator('#imbachat-guests').isDisabled()).toBe(true);
      expect(await page.locator('#imbachat-guests').isChecked()).toBe(false);
      await shows(page.locator('#imbachat-guests-hint'), 'Set in config/plugins (imbachat.config.guests)');
      await shows(page.getByTestId('widgetOptions-hint'), 'Set in config/plugins (imbachat.config.widgetOptions)');
      for (const label of OPTION_LABELS) expect(await select(page, label).getAttribute('aria-disabled')).toBe('true');
      expect(await selected(page, 'Theme')).toBe('Dark');
      expect(await preview(page)).toBe(loadCall({ theme: 'dark', position: 'left' }));
      expect(await page.locator('#imbachat-widgetScriptUrl').isDisabled()).toBe(false);
      expect((await state.app.http().get('/api/imbachat/widget')).body).toEqual({ guests: false });
      const user = await state.app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${state.jwt}`);
      expect(user.body.options).toEqual({ theme: 'dark', position: 'left' });
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-appearance-locked.png'), 'appearance');
    });
    await context.close();
  });
});
