import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from '../helpers/admin';
import { startStrapi, type TestApp } from '../helpers/strapi';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-results');
/**
 * Where the pictures README shows are taken (test-results/screenshots, ignored by git, or
 * IMBACHAT_SCREENSHOTS); `npm run docs:screenshots` copies them into docs/.
 */
export const SCREENSHOTS = path.resolve(process.env.IMBACHAT_SCREENSHOTS ?? path.join(ARTIFACTS, 'screenshots'));

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });

/**
 * The playground with its admin panel, booted for the enclosing describe (`env`: config of its own,
 * such as config/plugins locks) and served on loopback; what `prepare` answers joins the state.
 */
export const bootAdminSite = <Extra extends object>(env: Record<string, string>, prepare: (app: TestApp) => Promise<Extra>) => {
  const state = {} as { app: TestApp; baseUrl: string } & Extra;
  beforeAll(async () => {
    state.app = await startStrapi({ env: { SERVE_ADMIN_PANEL: 'true', ...env } });
    state.baseUrl = await listen(state.app);
    Object.assign(state, await prepare(state.app));
  });
  afterAll(async () => {
    await state.app?.close();
  });
  return state;
};

/** Serves the booted Strapi on a free loopback port; returns its base URL. */
export const listen = async (app: TestApp): Promise<string> => {
  await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  const address = app.strapi.server.httpServer.address();
  if (!address || typeof address !== 'object') throw new Error('Strapi is not listening');
  return `http://127.0.0.1:${address.port}`;
};

/** Runs a test step and leaves a screenshot in test-results/ when it fails. */
export const withScreenshot = async (page: Page, name: string, step: () => Promise<void>) => {
  try {
    await step();
  } catch (error) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw Object.assign(error as Error, { message: `${(error as Error).message}\nscreenshot: ${file}` });
  }
};

/**
 * Strapi 5.54's "new Media Library" banner, dismissed before the admin loads: it belongs to no
 * test and would sit on every picture. Its key carries the project's uuid (`false` in the playground).
 */
const DISMISS_BANNERS = `(() => {
  for (const flag of [true, false]) for (const uuid of [false, undefined, null])
    window.localStorage.setItem('STRAPI_MEDIA_LIBRARY_BANNER_DISMISSED_FOR_' + flag + ':' + uuid, 'true');
})();`;

export const logIn = async (page: Page, baseUrl: string, email: string, password: string) => {
  await page.addInitScript(DISMISS_BANNERS);
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 60_000 });
};

/** The pages of Settings → ImbaChat, each its own route under /admin/settings/imbachat/. */
export type SettingsPageId = 'connection' | 'users' | 'widget' | 'notifications';

/**
 * A page of Settings → ImbaChat for an admin (made by tests/helpers/admin.ts), in a 1366 × 900
 * window, once `ready` (what the test needs of the page) is there.
 */
export const openSettings = async (
  context: BrowserContext,
  baseUrl: string,
  email: string,
  ready: (page: Page) => Locator,
  settingsPage: SettingsPageId = 'connection'
): Promise<Page> => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  await logIn(page, baseUrl, email, ADMIN_PASSWORD);
  await page.goto(`${baseUrl}/admin/settings/imbachat/${settingsPage}`);
  await ready(page).waitFor();
  return page;
};

/** Goes to another page of the section by its link in Settings' side menu, as an admin would. */
export const goToSettingsPage = async (page: Page, label: string, ready: (page: Page) => Locator) => {
  await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
  await ready(page).waitFor();
};

/** Saves the page's form and waits for Strapi's notice. */
export const save = async (page: Page) => {
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('ImbaChat settings saved').last().waitFor();
};

/** Waits until the element holds the text (jest's expect cannot wait on a page). */
export const shows = (locator: Locator, text: string) => locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });

/**
 * A picture of the whole settings page for the README: the admin scrolls inside its own
 * container, so the window is made as tall as the content first (and put back afterwards).
 */
export const pageScreenshot = async (page: Page, file: string) => {
  const before = page.viewportSize() ?? { width: 1366, height: 900 };
  const height = await page.evaluate<number>("(document.querySelector('main')?.scrollHeight ?? 900) + 80");
  await page.setViewportSize({ width: before.width, height: Math.min(Math.max(height, 600), 6000) });
  await page.waitForTimeout(300);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  await page.setViewportSize(before);
};

/** A picture of one section of the settings page (its test id): the window grows to hold it, as above. */
export const sectionScreenshot = async (page: Page, file: string, testId: string) => {
  const before = page.viewportSize() ?? { width: 1366, height: 900 };
  const height = await page.evaluate<number>("(document.querySelector('main')?.scrollHeight ?? 900) + 80");
  await page.setViewportSize({ width: 1366, height: Math.min(height, 6000) });
  await page.waitForTimeout(300);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.getByTestId(testId).screenshot({ path: file });
  await page.setViewportSize(before);
};

/** A picture of what the window shows (1366 × 900 unless set otherwise): the top of a page, for a state that shows there. */
export const viewScreenshot = async (page: Page, file: string) => {
  await page.waitForTimeout(300);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
};
