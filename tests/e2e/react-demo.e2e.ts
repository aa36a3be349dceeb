import { createHmac } from 'node:crypto';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { configure, type TestApp } from '../helpers/strapi';
import { SCREENSHOTS, pageScreenshot, shows, withScreenshot } from './browser';
import { DEMO_SCRIPT_URL as SCRIPT_URL, DEMO_SETTINGS, PLAYGROUND_JWT_SECRET as JWT_SECRET, USER_PASSWORD, seen, standInContext, startDemoSite, type StandInOptions } from './stand-in';

// The site's options (Settings → ImbaChat); the React page passes { position: 'left' } over them.
const SITE_OPTIONS = { language: 'auto', theme: 'dark', position: 'right' };
const MERGED = { theme: 'dark', position: 'left' };

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let ids: Record<string, number>;

interface Demo {
  context: BrowserContext;
  page: Page;
  /** Requests for the widget script, and for chat tokens. */
  scripts: string[];
  tokens: number;
  /** Uncaught errors and console errors (React's warnings included). */
  problems: string[];
}

const openReactDemo = async (options: Omit<StandInOptions, 'unreachable'> = {}): Promise<Demo> => {
  const { context, requested } = await standInContext(browser, options);
  const demo: Demo = { context, page: undefined as unknown as Page, scripts: requested, tokens: 0, problems: [] };
  const page = await context.newPage();
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/imbachat/token') demo.tokens += 1;
  });
  page.on('pageerror', (error) => demo.problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') demo.problems.push(message.text());
  });
  await page.goto(`${baseUrl}/chat-demo/react/`);
  demo.page = page;
  return demo;
};

const status = (page: Page, value: string) => page.locator(`#status[data-status="${value}"]`).waitFor({ timeout: 15_000 });
const widgetScripts = (page: Page) => page.evaluate<number>(`document.querySelectorAll('script[src="${SCRIPT_URL}"]').length`);
const sessionOf = (username: string) => jwt.sign({ id: ids[username] }, JWT_SECRET, { expiresIn: '1h' });
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

beforeAll(async () => {
  ({ app, baseUrl, ids, browser } = await startDemoSite((site) => configure(site.strapi, { widgetOptions: SITE_OPTIONS })));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the React chat demo page (<ImbaChat> and useImbaChat in StrictMode)', () => {
  it("renders and loads the guest widget once, with the site's options under the page's and the page's language", async () => {
    const { context, page, scripts, problems } = await openReactDemo();
    await withScreenshot(page, 'react-visitor', async () => {
      await shows(page.locator('#status'), 'You are a visitor: the guest chat is loaded.');
      expect(scripts).toEqual([SCRIPT_URL]);
      expect(await widgetScripts(page)).toBe(1);
      // <html lang="en">: 'auto' becomes the widget's en-US.
      expect((await seen(page)).loads).toEqual([{ ...MERGED, language: 'en-US' }]);
      expect(problems).toEqual([]);
    });
    await context.close();
  });

  it('logs a user in without a page load: one more load, with their id, a chat token and the merged options', async () => {
    const { context, page, scripts, problems } = await openReactDemo();
    await withScreenshot(page, 'react-login', async () => {
      await status(page, 'ready');
      // The page's language as the site's front end sets it, read when the user's widget loads.
      await page.evaluate(`document.documentElement.lang = 'ru-RU'`);
      await page.locator('#login-form input[name=identifier]').fill('alice');
      await page.locator('#login-form input[name=password]').fill(USER_PASSWORD);
      await page.locator('#login-form button[type=submit]').click();
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      const { loads } = await seen(page);
      expect(loads).toEqual([
        { ...MERGED, language: 'en-US' },
        { ...MERGED, language: 'ru-RUS', user_id: ids.alice, token: expect.any(String) },
      ]);
      expect(payloadOf((loads[1] as { token: string }).token)).toEqual({ exp: expect.any(Number), user_id: ids.alice });
      expect(scripts).toEqual([SCRIPT_URL]);
      expect(await widgetScripts(page)).toBe(1);
      await shows(page.locator('#people'), 'Bob Builder');
      await page.evaluate(`document.documentElement.lang = 'en'`);
      await pageScreenshot(page, path.join(SCREENSHOTS, 'react-chat-demo.png'));
      expect(problems).toEqual([]);
    });
    await context.close();
  });

  it('keeps one script, one token and one load through re-renders and remounts of <ImbaChat>', async () => {
    const demo = await openReactDemo({ sessionJwt: sessionOf('alice') });
    const { context, page } = demo;
    await withScreenshot(page, 'react-remount', async () => {
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      for (const button of ['#rerender', '#remount', '#rerender', '#remount']) await page.locator(button).click();
      await shows(page.locator('#mounts'), '2');
      await page.waitForTimeout(300);
      await status(page, 'ready');
      expect((await seen(page)).loads).toEqual([{ ...MERGED, language: 'en-US', user_id: ids.alice, token: expect.any(String) }]);
      expect(demo.scripts).toEqual([SCRIPT_URL]);
      expect(await widgetScripts(page)).toBe(1);
      expect(demo.tokens).toBe(1);
      expect(demo.problems).toEqual([]);
    });
    await context.close();
  });

  it('useImbaChat: status goes from loading to ready, and openDialog reaches the widget (clicked early, delivered once)', async () => {
    const demo = await openReactDemo({ delayMs: 2000, sessionJwt: sessionOf('alice') });
    const { context, page } = demo;
    await withScreenshot(page, 'react-open-dialog', async () => {
      await status(page, 'loading');
      const write = page.locator(`#people button[data-user-id="${ids.bob}"]`);
      await write.click();
      expect((await seen(page)).dialogs).toEqual([]);
      await status(page, 'ready');
      await page.waitForFunction('window.__imba && window.__imba.dialogs.length > 0');
      await write.click();
      await page.waitForTimeout(300);
      expect((await seen(page)).dialogs).toEqual([ids.bob, ids.bob]);
      // Each with a dialog token of its own.
      expect((await seen(page)).calls.filter(([name]) => name === 'openDialog')).toEqual([
        ['openDialog', ids.bob, 0, expect.any(String)],
        ['openDialog', ids.bob, 0, expect.any(String)],
      ]);
      expect(demo.tokens).toBe(1);
      expect(demo.problems).toEqual([]);
    });
    await context.close();
  });

  it('<ImbaChatRoom> in StrictMode: one placeHolder per mount, into its marked element, after the widget loaded; open, close and events', async () => {
    const demo = await openReactDemo();
    const { context, page } = demo;
    await withScreenshot(page, 'react-widget-calls', async () => {
      await status(page, 'ready');
      await shows(page.locator('#public #playground-public[data-imbachat_chat_ph="1"]'), 'Playground public chat');
      await shows(page.locator('#widget-events'), 'The widget said: imbaChat.loaded.');
      await page.waitForTimeout(300);
      expect((await seen(page)).placed).toEqual([{ slug: 'playground-public', name: 'Playground public chat', marked: '1' }]);
      // A remount is a new element: one more placeHolder, and the new element holds the chat.
      await page.locator('#remount-room').click();
      await shows(page.locator('#room-mounts'), '1');
      await page.waitForFunction('window.__imba.placed.length === 2');
      await shows(page.locator('#playground-public'), 'Playground public chat');
      await page.locator('#close-chat').click();
      await page.locator('#open-chat').click();
      await page.waitForTimeout(300);
      const { calls, placed } = await seen(page);
      expect(placed).toHaveLength(2);
      expect(calls.filter(([name]) => name !== 'on')).toEqual([
        ['placeHolder', 'playground-public', 'Playground public chat'],
        ['placeHolder', 'playground-public', 'Playground public chat'],
        ['closeChat'],
        ['openChat'],
      ]);
      // StrictMode subscribes onWidget twice (the first one unsubscribed: the widget has no off), embedChat once.
      expect(calls.filter(([name]) => name === 'on')).toEqual([
        ['on', 'imbaChat.loaded', 'function'],
        ['on', 'imbaChat.loaded', 'function'],
        ['on', 'imbaChat.loaded', 'function'],
      ]);
      expect(await page.locator('#error').count()).toBe(0);
      expect(demo.problems).toEqual([]);
      await pageScreenshot(page, '/tmp/s21c/react-demo-visitor.png');
    });
    await context.close();
  });

  it("useImbaChat's openDialog gets a dialog token for the session's user; joinRoom joins the group chat", async () => {
    const session = sessionOf('alice');
    const demo = await openReactDemo({ sessionJwt: session });
    const { context, page } = demo;
    const dialogRequests: { body: unknown; authorization?: string }[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/imbachat/dialog') dialogRequests.push({ body: request.postDataJSON(), authorization: request.headers().authorization });
    });
    await withScreenshot(page, 'react-dialog-token', async () => {
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      await page.locator(`#people button[data-user-id="${ids.carol}"]`).click();
      await page.waitForFunction('window.__imba.dialogs.length > 0');
      await page.locator('#join-room').click();
      await page.waitForFunction('window.__imba.calls.some((call) => call[0] === "addToRoom")');
      const { calls } = await seen(page);
      expect(dialogRequests).toEqual([{ body: { user_id: ids.carol }, authorization: `Bearer ${session}` }]);
      const opened = calls.filter(([name]) => name === 'openDialog');
      expect(opened).toEqual([['openDialog', ids.carol, 0, expect.any(String)]]);
      const [header, payload, signature] = (opened[0][3] as string).split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ user_id: ids.carol, initiator: ids.alice, status: 0, exp: expect.any(Number) });
      expect(signature).toBe(createHmac('sha256', DEMO_SETTINGS.secretKey).update(`${header}.${payload}`).digest('base64url'));
      expect(calls.filter(([name]) => name === 'addToRoom')).toEqual([['addToRoom', { pipe: 'playground-lobby', title: 'Playground lobby', is_public: 1, type: 2 }]]);
      await shows(page.locator('#imbachat-stand-in'), 'Group chat: Playground lobby');
      expect(await page.locator('#error').count()).toBe(0);
      expect(demo.problems).toEqual([]);
      await pageScreenshot(page, '/tmp/s21c/react-demo-user.png');
    });
    await context.close();
  });

  it('while guest mode is off: no script for a visitor, a clear status, then one load when a user logs in', async () => {
    await configure(app.strapi, { guests: false });
    try {
      const { context, page, scripts, problems } = await openReactDemo();
      await withScreenshot(page, 'react-guests-off', async () => {
        await status(page, 'guests-off');
        await shows(page.locator('#status'), 'The chat is for site users only: log in to chat.');
        expect(scripts).toEqual([]);
        expect(await widgetScripts(page)).toBe(0);
        expect((await seen(page)).loads).toEqual([]);
        expect(await page.locator('#error').count()).toBe(0);
        await page.locator('#login-form input[name=identifier]').fill('carol');
        await page.locator('#login-form input[name=password]').fill(USER_PASSWORD);
        await page.locator('#login-form button[type=submit]').click();
        await shows(page.locator('#status'), 'Chat loaded for carol.');
        expect((await seen(page)).loads).toEqual([{ ...MERGED, language: 'en-US', user_id: ids.carol, token: expect.any(String) }]);
        expect(await widgetScripts(page)).toBe(1);
        expect(problems).toEqual([]);
      });
      await context.close();
    } finally {
      await configure(app.strapi, { guests: null });
    }
  });
});
