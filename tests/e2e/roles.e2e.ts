import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ALL_PERMISSIONS, type RoleMap } from '../../contract';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, settingsService } from '../helpers/strapi';
import { ARTIFACTS, bootAdminSite, launchBrowser, openSettings as openPage, sectionScreenshot, shows, withScreenshot } from './browser';

const ROLE_UID = 'plugin::users-permissions.role';

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
    // The playground's seed makes this role; these tests start from an empty database.
    await app.strapi
      .plugin('users-permissions')
      .service('role')
      .createRole({ name: 'Moderator', description: 'Keeps the chat friendly', type: 'moderator', permissions: {} });
    return {};
  });

const openSettings = (context: BrowserContext, baseUrl: string, email: string) =>
  openPage(context, baseUrl, email, (page) => page.getByTestId('roles'), 'users');

const roleCard = (page: Page, type: string) => page.getByTestId(`role-${type}`);
const permission = (page: Page, type: string, label: string) => roleCard(page, type).getByRole('checkbox', { name: label, exact: true });
const chatRole = (page: Page, type: string) => roleCard(page, type).getByRole('combobox', { name: 'Chat role' });

const pick = async (page: Page, combobox: ReturnType<Page['getByRole']>, option: string) => {
  await combobox.click();
  await page.getByRole('option', { name: option, exact: true }).click();
};


const rule = (chat_role: 'user' | 'admin', off: string[] = []) => ({
  chat_role,
  permissions: { ...ALL_PERMISSIONS, ...Object.fromEntries(off.map((name) => [name, false])) },
});

describe('Settings → ImbaChat → Users in the chat → Roles and permissions', () => {
  const state = bootPlayground();
  restoreAfterEach(() => state.app);
  const superAdmin = async () => createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]);

  it('lists every users-permissions role but Public, one created while the page is open included', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'roles-list', async () => {
      await roleCard(page, 'authenticated').waitFor();
      await shows(roleCard(page, 'moderator'), 'Keeps the chat friendly');
      expect(await roleCard(page, 'public').count()).toBe(0);
      expect(await roleCard(page, 'premium_member').count()).toBe(0);

      await state.app.strapi
        .plugin('users-permissions')
        .service('role')
        .createRole({ name: 'Premium member', description: 'Pays for the site', permissions: {} });
      await page.reload();
      await shows(roleCard(page, 'premium_member'), 'Premium member');
      expect(await page.getByTestId('role-premium_member-type').textContent()).toBe('premium_member');
      // Not in the map: the default, a chat user with every permission.
      await page.getByTestId('role-premium_member-default').waitFor();
      expect((await chatRole(page, 'premium_member').textContent())?.trim()).toBe('User');
      for (const name of ['Send messages', 'Video calls', 'Play voice messages', 'Use the chat']) {
        expect(await permission(page, 'premium_member', name).isChecked()).toBe(true);
      }
      await shows(roleCard(page, 'premium_member'), 'Hear the voice messages others send');
    });
    await state.app.strapi.db.query(ROLE_UID).delete({ where: { type: 'premium_member' } });
    await context.close();
  });

  it('greys the roles while chat roles are off, then saves a chat admin and a permission turned off; a reload keeps them', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    const puts: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.postDataJSON() as Record<string, unknown>);
    });
    await withScreenshot(page, 'roles-save', async () => {
      await shows(page.getByTestId('roles-blocked'), 'Blocked users get every permission off');
      await shows(page.getByTestId('roles-off'), 'Turn on "Send chat roles and permissions"');
      expect(await permission(page, 'authenticated', 'Video calls').isDisabled()).toBe(true);
      expect(await chatRole(page, 'moderator').getAttribute('aria-disabled')).toBe('true');
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-roles-off.png'), 'roles');

      await page.locator('#imbachat-chatRoles').check({ force: true });
      await page.getByTestId('roles-off').waitFor({ state: 'detached' });
      await pick(page, chatRole(page, 'moderator'), 'Chat admin');
      await permission(page, 'authenticated', 'Video calls').click();
      expect(await permission(page, 'authenticated', 'Video calls').isChecked()).toBe(false);
      expect(await page.getByTestId('role-authenticated-default').count()).toBe(0);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();

      const expected: RoleMap = { moderator: rule('admin'), authenticated: rule('user', ['video_calls']) };
      expect(puts).toEqual([{ chatRoles: true, roleMap: expected }]);
      const stored = await settingsService(state.app.strapi).get();
      expect(stored.chatRoles).toBe(true);
      expect(stored.roleMap).toEqual(expected);

      await page.reload();
      await page.getByTestId('roles').waitFor();
      expect(await page.locator('#imbachat-chatRoles').isChecked()).toBe(true);
      expect((await chatRole(page, 'moderator').textContent())?.trim()).toBe('Chat admin');
      expect((await chatRole(page, 'authenticated').textContent())?.trim()).toBe('User');
      expect(await permission(page, 'authenticated', 'Video calls').isChecked()).toBe(false);
      expect(await permission(page, 'authenticated', 'Audio calls').isChecked()).toBe(true);
      expect(await permission(page, 'moderator', 'Video calls').isChecked()).toBe(true);

      // An edit undone is no change: nothing to save.
      await permission(page, 'moderator', 'Send files').click();
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
      await permission(page, 'moderator', 'Send files').click();
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-roles.png'), 'roles');
    });
    await context.close();
  });

  it('lists a rule for a role no longer in Strapi as such and drops it on save', async () => {
    await configure(state.app.strapi, { chatRoles: true, roleMap: { former_vip: rule('admin', ['send_geo']), moderator: rule('admin') } });
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'roles-missing', async () => {
      const missing = page.getByTestId('missing-role-former_vip');
      await shows(page.getByTestId('missing-roles'), 'Roles no longer in Strapi');
      await shows(missing, 'Deleted or renamed');
      await shows(missing, 'Chat admin · permissions on: 9 of 10');
      expect(await page.getByTestId('missing-role-moderator').count()).toBe(0);
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-roles-missing.png'), 'roles');

      await page.getByTestId('missing-role-former_vip-remove').click();
      await shows(missing, 'Will be removed on save');
      await page.getByTestId('missing-role-former_vip-keep').click();
      await shows(missing, 'Deleted or renamed');
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await page.getByTestId('missing-role-former_vip-remove').click();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      await page.getByTestId('missing-roles').waitFor({ state: 'detached' });
      expect((await settingsService(state.app.strapi).get()).roleMap).toEqual({ moderator: rule('admin') });
    });
    await context.close();
  });

  it('picks the badge and last login fields from the user model and turns on last-seen tracking', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'badge-and-last-login', async () => {
      const badge = page.getByRole('combobox', { name: 'Badge field' });
      const lastLogin = page.getByRole('combobox', { name: 'Last login field' });
      expect((await badge.textContent())?.trim()).toBe('No badge');
      expect((await lastLogin.textContent())?.trim()).toBe('Not sent');

      await badge.click();
      for (const choice of ['badge (string)', 'plan (enumeration)', 'level (integer)']) {
        await page.getByRole('option', { name: choice, exact: true }).waitFor();
      }
      expect(await page.getByRole('option', { name: 'lastVisit (datetime)' }).count()).toBe(0);
      await page.getByRole('option', { name: 'plan (enumeration)', exact: true }).click();
      await lastLogin.click();
      for (const choice of ['lastVisit (datetime)', 'memberSince (date)', 'lastActive (timestamp)']) {
        await page.getByRole('option', { name: choice, exact: true }).waitFor();
      }
      expect(await page.getByRole('option', { name: 'badge (string)' }).count()).toBe(0);
      await page.getByRole('option', { name: 'lastVisit (datetime)', exact: true }).click();
      await shows(page.locator('#imbachat-trackLastSeen-hint'), 'recorded at most every 5 minutes');
      await page.locator('#imbachat-trackLastSeen').check({ force: true });
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      expect(await settingsService(state.app.strapi).get()).toMatchObject({ badgeField: 'plan', lastLoginField: 'lastVisit', trackLastSeen: true });

      await page.reload();
      await page.getByTestId('roles').waitFor();
      expect((await badge.textContent())?.trim()).toBe('plan (enumeration)');
      expect((await lastLogin.textContent())?.trim()).toBe('lastVisit (datetime)');
      expect(await page.locator('#imbachat-trackLastSeen').isChecked()).toBe(true);
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-user-fields.png'), 'user-fields');

      // "None" clears a field again.
      await pick(page, badge, 'No badge');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('ImbaChat settings saved').waitFor();
      expect((await settingsService(state.app.strapi).get()).badgeField).toBe('');
    });
    await context.close();
  });

  it('gives an admin with read but not update permission nothing editable in the roles', async () => {
    await configure(state.app.strapi, { chatRoles: true, roleMap: { former_vip: rule('user') } });
    const readerRole = await createRole(state.app.strapi, 'ImbaChat roles reader', ['plugin::imbachat.settings.read']);
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await createAdmin(state.app.strapi, [readerRole]));
    await withScreenshot(page, 'roles-read-only', async () => {
      await page.getByTestId('read-only').waitFor();
      expect(await page.locator('#imbachat-chatRoles').isDisabled()).toBe(true);
      expect(await page.locator('#imbachat-trackLastSeen').isDisabled()).toBe(true);
      expect(await page.getByRole('combobox', { name: 'Badge field' }).getAttribute('aria-disabled')).toBe('true');
      for (const type of ['authenticated', 'moderator']) {
        expect(await chatRole(page, type).getAttribute('aria-disabled')).toBe('true');
        const boxes = roleCard(page, type).getByRole('checkbox');
        expect(await boxes.count()).toBe(10);
        for (const box of await boxes.all()) expect(await box.isDisabled()).toBe(true);
      }
      expect(await page.getByTestId('missing-role-former_vip-remove').isDisabled()).toBe(true);
    });
    await context.close();
  });

  it('speaks Russian when the admin does', async () => {
    await configure(state.app.strapi, { chatRoles: true, roleMap: { moderator: rule('admin'), authenticated: rule('user', ['video_calls']) } });
    const context = await browser.newContext();
    await context.addInitScript("window.localStorage.setItem('strapi-admin-language', 'ru')");
    const page = await openSettings(context, state.baseUrl, await superAdmin());
    await withScreenshot(page, 'roles-russian', async () => {
      await page.getByRole('heading', { name: 'Роли и разрешения', exact: true }).waitFor();
      await shows(page.getByTestId('roles-blocked'), 'Заблокированные пользователи лишаются всех разрешений');
      expect((await roleCard(page, 'moderator').getByRole('combobox', { name: 'Роль в чате' }).textContent())?.trim()).toBe('Администратор чата');
      expect(await roleCard(page, 'authenticated').getByRole('checkbox', { name: 'Видеозвонки', exact: true }).isChecked()).toBe(false);
      await shows(roleCard(page, 'authenticated'), 'Прослушивать голосовые сообщения собеседников');
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-roles-ru.png'), 'roles');
    });
    await context.close();
  });
});

describe('Settings → ImbaChat → Users in the chat → Roles and permissions, locked by config/plugins', () => {
  const state = bootPlayground({
    IMBACHAT_CHAT_ROLES: 'true',
    IMBACHAT_ROLE_MAP: JSON.stringify({ authenticated: { permissions: { send_files: false } } }),
  });

  it('shows chat roles and the role map read-only, naming the config keys, and leaves the other fields editable', async () => {
    const context = await browser.newContext();
    const page = await openSettings(context, state.baseUrl, await createAdmin(state.app.strapi, [await superAdminRoleId(state.app.strapi)]));
    await withScreenshot(page, 'roles-locked', async () => {
      expect(await page.locator('#imbachat-chatRoles').isDisabled()).toBe(true);
      expect(await page.locator('#imbachat-chatRoles').isChecked()).toBe(true);
      await shows(page.locator('#imbachat-chatRoles-hint'), 'Set in config/plugins (imbachat.config.chatRoles)');
      await shows(page.getByTestId('roles-locked'), 'Set in config/plugins (imbachat.config.roleMap)');
      expect(await permission(page, 'authenticated', 'Send files').isChecked()).toBe(false);
      expect(await permission(page, 'authenticated', 'Send files').isDisabled()).toBe(true);
      expect(await chatRole(page, 'moderator').getAttribute('aria-disabled')).toBe('true');
      expect(await page.locator('#imbachat-trackLastSeen').isDisabled()).toBe(false);
      await sectionScreenshot(page, path.join(ARTIFACTS, 'settings-roles-locked.png'), 'roles');
    });
    await context.close();
  });
});
