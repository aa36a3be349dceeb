import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAdmin, createRole, superAdminRoleId } from '../helpers/admin';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';
import { SCREENSHOTS, launchBrowser, listen, openSettings, sectionScreenshot, shows, withScreenshot } from './browser';

const EVENT = 'imbachat.notification';
const LOGIN = 'chat';
const PASSWORD = 'webhooks-page-password-1';

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let hook: http.Server;
let hookUrl: string;
const received: Array<{ path: string; body: Record<string, unknown> }> = [];

/** Strapi's webhooks as its store has them. */
const webhooks = () => app.strapi.get('webhookStore').findWebhooks() as Promise<Array<{ id: string | number; name: string; url: string; isEnabled: boolean; events: string[] }>>;

/** The POSTs that reached the little server, once `count` have (or after 10 s). */
const arrived = async (count: number) => {
  const started = Date.now();
  while (received.length < count && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 25));
  return received;
};

const notify = (body: Record<string, unknown>) =>
  app.http().post('/api/imbachat/v1/notifications').set('Authorization', basic(LOGIN, PASSWORD)).send(body);

/** The Notifications page for a new admin with these roles. */
const openAs = async (roleIds: number[]): Promise<Page> => {
  const email = await createAdmin(app.strapi, roleIds);
  return openSettings(await browser.newContext(), baseUrl, email, (page) => page.getByTestId('test-email'), 'notifications');
};

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/push`;
  app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true' } });
  baseUrl = await listen(app);
  browser = await launchBrowser();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

// Each test starts with no webhook: none of them leans on another's.
afterEach(async () => {
  for (const webhook of await app.strapi.get('webhookStore').findWebhooks()) {
    await app.strapi.get('webhookStore').deleteWebhook(webhook.id);
    app.strapi.get('webhookRunner').remove(webhook);
  }
});

describe('Settings → ImbaChat → Notifications: send notifications to a webhook', () => {
  it('creates a webhook for imbachat.notification, lists it with a link to Settings → Webhooks, and the next notification is POSTed to it', async () => {
    const page = await openAs([await superAdminRoleId(app.strapi)]);
    const section = page.getByTestId('webhooks');
    await withScreenshot(page, 'notification-webhooks', async () => {
      await shows(section, 'Send notifications to a webhook');
      await shows(page.getByTestId('webhooks-none'), 'No webhook receives notifications yet.');
      await page.locator('#imbachat-webhook-name').fill('Push service');
      await page.locator('#imbachat-webhook-url').fill(hookUrl);
      await page.getByTestId('webhook-create').click();
      await shows(page.getByTestId('webhook-created'), 'Webhook "Push service" created');
      const row = page.getByTestId('webhook-row');
      await shows(row, hookUrl);
      await shows(row, 'Enabled');
      await sectionScreenshot(page, path.join(SCREENSHOTS, 'settings-notification-webhooks.png'), 'webhooks');
    });
    const [made] = (await webhooks()).filter((webhook) => webhook.name === 'Push service');
    expect(made).toMatchObject({ url: hookUrl, isEnabled: true, events: [EVENT] });
    expect(await page.getByTestId('webhook-link').getAttribute('href')).toBe(`/admin/settings/webhooks/${made.id}`);
    // The form is empty again, and stays put: no second webhook.
    expect(await page.locator('#imbachat-webhook-name').inputValue()).toBe('');

    const res = await notify({ user_id: 42, title: 'New message', body: 'Hi from the chat' });
    expect(res.status).toBe(200);
    const [call] = await arrived(1);
    expect(call.path).toBe('/push');
    expect(call.body).toMatchObject({ event: EVENT, user_id: 42, title: 'New message', body: 'Hi from the chat' });

    // Edited and saved in Strapi's own Webhooks page (whose table lists only Strapi's events): the event stays.
    await page.getByTestId('webhook-link').click();
    await page.waitForURL(`**/admin/settings/webhooks/${made.id}`);
    const name = page.locator('input[name=name]');
    await name.waitFor();
    expect(await name.inputValue()).toBe('Push service');
    await name.fill('Push service edited');
    const saved = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().endsWith(`/admin/webhooks/${made.id}`));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
    const [edited] = (await webhooks()).filter((webhook) => webhook.id === made.id);
    expect(edited).toMatchObject({ name: 'Push service edited', events: [EVENT], isEnabled: true });
    expect((await notify({ user_id: 43, title: 'Again', body: 'Still here' })).status).toBe(200);
    expect((await arrived(2))[1].body).toMatchObject({ event: EVENT, user_id: 43 });

    // Back on our page: the list shows it under its new name; a webhook for other events is not listed.
    await app.strapi.get('webhookStore').createWebhook({ name: 'Entries only', url: `${hookUrl}/entries`, headers: {}, events: ['entry.create'] });
    await page.goto(`${baseUrl}/admin/settings/imbachat/notifications`);
    await shows(page.getByTestId('webhook-row'), 'Push service edited');
    expect(await page.getByTestId('webhook-row').count()).toBe(1);
  });

  it('takes only a name and URL Settings → Webhooks can save, and says why Strapi refused one', async () => {
    const page = await openAs([await superAdminRoleId(app.strapi)]);
    const create = page.getByTestId('webhook-create');
    await page.locator('#imbachat-webhook-name').fill('Push (mobile)');
    await page.locator('#imbachat-webhook-url').fill('push.example.com');
    await shows(page.locator('#imbachat-webhook-name-error'), 'Starts with a letter; letters, digits, spaces and underscores only');
    await shows(page.locator('#imbachat-webhook-url-error'), 'An address starting with https:// or http://');
    expect(await create.isDisabled()).toBe(true);

    // Strapi's own check refuses what ours lets through (a URL its pattern does not take): its reason is shown.
    await page.locator('#imbachat-webhook-name').fill('Broken');
    await page.locator('#imbachat-webhook-url').fill('http://-');
    await create.click();
    await shows(page.getByTestId('webhook-create-error'), 'The webhook could not be created');
    expect((await webhooks()).some((webhook) => webhook.name === 'Broken')).toBe(false);
  });

  it('is hidden from an admin whose role has no webhook permission, shown read-only with read alone, and a 403 is said in words', async () => {
    const settingsOnly = await createRole(app.strapi, 'ImbaChat settings, no webhooks', ['plugin::imbachat.settings.read', 'plugin::imbachat.settings.update']);
    const hidden = await openAs([settingsOnly]);
    await shows(hidden.getByTestId('test-email'), 'Send a test email');
    await hidden.waitForTimeout(500);
    expect(await hidden.getByTestId('webhooks').count()).toBe(0);
    // Strapi's own route refuses such an admin too: the section hides nothing the server would give.

    await app.strapi.get('webhookStore').createWebhook({ name: 'Push service', url: `${hookUrl}/push`, headers: {}, events: [EVENT] });
    const readOnly = await createRole(app.strapi, 'ImbaChat settings, webhooks read', ['plugin::imbachat.settings.read', 'admin::webhooks.read']);
    const reader = await openAs([readOnly]);
    await shows(reader.getByTestId('webhook-row'), 'Push service');
    expect(await reader.getByTestId('webhook-form').count()).toBe(0);

    // A role changed while the page was open: Strapi answers 403, the section says so.
    const stale = await openAs([await superAdminRoleId(app.strapi)]);
    await stale.route('**/admin/webhooks', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ data: null, error: { status: 403, name: 'ForbiddenError', message: 'Forbidden', details: {} } }) })
    );
    await stale.reload();
    await shows(stale.getByTestId('webhooks-load-error'), 'Your role may not do this with webhooks');
    await stale.locator('#imbachat-webhook-name').fill('Refused');
    await stale.locator('#imbachat-webhook-url').fill(hookUrl);
    await stale.getByTestId('webhook-create').click();
    await shows(stale.getByTestId('webhook-create-error'), 'Your role may not do this with webhooks');
  });
});
