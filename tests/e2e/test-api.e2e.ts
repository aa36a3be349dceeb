import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { StatusResponse } from '../../contract';
import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, settingsService, uploadImage } from '../helpers/strapi';
import {
  SCREENSHOTS,
  bootAdminSite,
  launchBrowser,
  openSettings as openPage,
  pageScreenshot,
  save,
  sectionScreenshot,
  shows,
  viewScreenshot,
  withScreenshot,
} from './browser';

const CABINET = { widgetId: 'checklist-widget', apiLogin: 'chat-e2e', apiPassword: 'the-right-api-password', secretKey: 'checklist-secret-key-0123' };
const PUBLIC_URL = 'https://chat.example.com';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Waits until the item is marked done (or not), refreshing the status as the page does every 10 s, sooner. */
const until = async (page: Page, locator: Locator, check: () => Promise<boolean>, timeoutMs = 40_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Not so within ${timeoutMs / 1000} s: ${await locator.textContent()}`);
    await page.getByTestId('status-refresh').click();
    await page.waitForTimeout(1000);
  }
};
const state = (page: Page, item: string) => page.getByTestId(`checklist-${item}`).getAttribute('data-done');

/** Picks a site user in Test API's picker by typing part of the name, as the chat's search finds them. */
const pickUser = async (page: Page, typed: string, option: string) => {
  const input = page.getByTestId('test-api').getByRole('combobox');
  await input.click();
  await input.pressSequentially(typed, { delay: 50 });
  await page.getByRole('option', { name: option, exact: true }).click();
};

describe('Settings → ImbaChat → Connection: the setup checklist and Test API', () => {
  const site = bootAdminSite({}, async (app) => {
    const avatar = await uploadImage(app.strapi);
    const alice = await createSiteUser(app.strapi, { username: 'alice', displayName: 'Alice Liddell', avatar: avatar.id });
    const bob = await createSiteUser(app.strapi, { username: 'bob', displayName: 'Bob Builder' });
    return { alice, bob };
  });
  restoreAfterEach(() => site.app, { config: ['server.url'] });
  const superAdmin = async () => createAdmin(site.app.strapi, [await superAdminRoleId(site.app.strapi)]);
  const open = (context: BrowserContext, email: string) => openPage(context, site.baseUrl, email, (page) => page.getByTestId('checklist'));
  /** The status as the admin API answers it, for what the page cannot show (a run that was not recorded). */
  const lastTest = async () => {
    const token = await adminToken(site.app, await superAdmin());
    const res = await site.app.http().get('/imbachat/status').set('Authorization', `Bearer ${token}`);
    return (res.body as StatusResponse).data.lastTest;
  };

  it('goes from nothing done on a fresh site to all four done: the values, a public address, Test API, and a call from the chat server', async () => {
    await configure(site.app.strapi, { nameField: 'displayName', avatarField: 'avatar' });
    const context = await browser.newContext();
    const page = await open(context, await superAdmin());
    await withScreenshot(page, 'checklist', async () => {
      await shows(page.getByTestId('checklist-count'), '0 of 4 done');
      for (const item of ['cabinet', 'public-url', 'test-api', 'chat-server']) expect(await state(page, item)).toBe('todo');
      await shows(page.getByTestId('checklist-cabinet'), 'Copy Widget ID, API login, API password, and Secret key from your ImbaChat cabinet');
      await shows(page.getByTestId('checklist-public-url'), "ImbaChat's chat server cannot reach this address; set server.url to your public https URL");
      await shows(page.getByTestId('checklist-test-api'), 'Press Test API below');
      await shows(page.getByTestId('checklist-chat-server'), 'Not yet: paste the addresses below into your cabinet');
      await viewScreenshot(page, path.join(SCREENSHOTS, 'settings-connection-first-run.png'));

      // 1. The four values from the cabinet.
      await page.locator('#imbachat-widgetId').fill(CABINET.widgetId);
      await page.locator('#imbachat-apiLogin').fill(CABINET.apiLogin);
      await page.locator('#imbachat-apiPassword').fill(CABINET.apiPassword);
      await page.locator('#imbachat-secretKey').fill(CABINET.secretKey);
      await save(page);
      await shows(page.getByTestId('checklist-cabinet'), 'Widget ID, API login, API password and Secret key are saved.');
      expect(await state(page, 'cabinet')).toBe('done');

      // 2. Test API, with the users picked by name: they come back as the chat will show them.
      await shows(page.getByTestId('test-users'), 'Alice Liddell (alice, #');
      await pickUser(page, 'Bob', `Bob Builder (bob, #${site.bob.id})`);
      await shows(page.getByTestId('test-uses'), 'Uses the saved API login and password.');
      await page.getByTestId('test-run').click();
      const result = page.getByTestId('test-result');
      await shows(result, 'Your site answered with 2 users, as the chat will show them:');
      await shows(page.getByTestId(`test-user-${site.alice.id}`), 'Alice Liddell');
      await shows(page.getByTestId(`test-user-${site.alice.id}`), `#${site.alice.id}`);
      await shows(page.getByTestId(`test-user-${site.bob.id}`), 'Bob Builder');
      expect(await page.getByTestId(`test-user-${site.alice.id}`).locator('img').count()).toBe(1);
      await shows(result, 'Tested with the saved API login and password.');
      await shows(result, 'HTTP 200');
      expect(await page.getByTestId('test-raw').count()).toBe(0);
      await page.getByTestId('test-raw-toggle').click();
      await shows(page.getByTestId('test-raw'), '"name": "Bob Builder"');
      await shows(page.getByTestId('checklist-test-api'), 'Passed now.');
      expect(await state(page, 'test-api')).toBe('done');
      await sectionScreenshot(page, path.join(SCREENSHOTS, 'test-api.png'), 'test-api');
      // Test API is the site calling itself, not ImbaChat's chat server (calls are written within 5 s).
      await page.waitForTimeout(6000);
      await page.getByTestId('status-refresh').click();
      await page.waitForTimeout(1000);
      expect(await state(page, 'chat-server')).toBe('todo');
      await shows(page.getByTestId('status-route-usersInfo-last'), 'Never called');

      // 3. A public https address (server.url).
      site.app.strapi.config.set('server.url', PUBLIC_URL);
      await page.reload();
      await page.getByTestId('checklist').waitFor();
      await shows(page.getByTestId('checklist-public-url'), `ImbaChat's chat server can reach your site at ${PUBLIC_URL}.`);
      expect(await state(page, 'public-url')).toBe('done');
      expect(await page.getByTestId('endpoint-usersInfo').inputValue()).toBe(`${PUBLIC_URL}/api/imbachat/v1/users`);

      // 4. The chat server calls with the right credentials: the item turns done on a refresh.
      const call = await site.app
        .http()
        .get(`/api/imbachat/v1/users/${site.alice.id}`)
        .auth(CABINET.apiLogin, CABINET.apiPassword);
      expect(call.status).toBe(200);
      await until(page, page.getByTestId('checklist-chat-server'), async () => (await state(page, 'chat-server')) === 'done');
      await shows(page.getByTestId('checklist-chat-server'), 'Last call now.');
      await shows(page.getByTestId('checklist-count'), '4 of 4 done');
      await pageScreenshot(page, path.join(SCREENSHOTS, 'settings-connection.png'));
    });
    await context.close();
  });

  it('tests the password typed in the form, not the saved one: a wrong unsaved one fails although the saved one is right', async () => {
    await configure(site.app.strapi, CABINET);
    const before = await lastTest();
    const context = await browser.newContext();
    const page = await open(context, await superAdmin());
    const tests: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/imbachat/settings/test')) tests.push(request.postDataJSON() as Record<string, unknown>);
    });
    await withScreenshot(page, 'test-api-unsaved-wrong', async () => {
      await shows(page.getByTestId('test-users'), 'alice #');
      await page.locator('#imbachat-apiPassword').fill('a-wrong-unsaved-password');
      await shows(page.getByTestId('test-uses'), 'Uses the API login and password typed above, which are not saved yet.');
      await page.getByTestId('test-run').click();
      const result = page.getByTestId('test-result');
      await shows(result, 'Refused: your site still checks the saved API login and password, so these would be refused too until you save them.');
      await shows(result, 'Tested with the API login and password in the form, which are not saved yet.');
      await shows(result, 'HTTP 401');
      expect(await result.getAttribute('data-ok')).toBe('false');
      expect(tests).toEqual([{ user_ids: String(site.alice.id), apiLogin: CABINET.apiLogin, apiPassword: 'a-wrong-unsaved-password' }]);
      await sectionScreenshot(page, path.join(SCREENSHOTS, 'test-api-failing.png'), 'test-api');
      // Nothing was saved, and a run on the form's values is not the checklist's "Test API passed".
      expect(await settingsService(site.app.strapi).get()).toMatchObject({ apiPassword: CABINET.apiPassword });
      expect(await lastTest()).toEqual(before);

      // Typed away again, the saved (right) password is what is tested.
      await page.locator('#imbachat-apiPassword').fill('');
      await shows(page.getByTestId('test-uses'), 'Uses the saved API login and password.');
      await page.getByTestId('test-run').click();
      await shows(result, 'Your site answered with 1 user');
      await shows(result, 'Tested with the saved API login and password.');
      expect(tests[1]).toEqual({ user_ids: String(site.alice.id) });
    });
    await context.close();
  });

  it('tests an unsaved login too, and counts a run whose typed values are the saved ones as the saved ones\' run', async () => {
    await configure(site.app.strapi, CABINET);
    const before = await lastTest();
    const context = await browser.newContext();
    const page = await open(context, await superAdmin());
    await withScreenshot(page, 'test-api-unsaved-login', async () => {
      await shows(page.getByTestId('test-users'), 'alice #');
      const result = page.getByTestId('test-result');
      await page.locator('#imbachat-apiLogin').fill('another-login');
      await shows(page.getByTestId('test-uses'), 'Uses the API login and password typed above, which are not saved yet.');
      await page.getByTestId('test-run').click();
      await shows(result, 'Refused: your site still checks the saved API login and password');
      await shows(result, 'Tested with the API login and password in the form, which are not saved yet.');
      expect(await lastTest()).toEqual(before);

      // The saved login back, and the saved password typed again: the same credentials as saved.
      await page.locator('#imbachat-apiLogin').fill(CABINET.apiLogin);
      await page.locator('#imbachat-apiPassword').fill(CABINET.apiPassword);
      await page.getByTestId('test-run').click();
      await shows(result, 'Your site answered with 1 user');
      await shows(result, 'Tested with the saved API login and password.');
      expect((await lastTest())?.ok).toBe(true);
      await shows(page.getByTestId('checklist-test-api'), 'Passed now.');
    });
    await context.close();
  });
});
