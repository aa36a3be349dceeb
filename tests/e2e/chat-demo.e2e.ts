import { createHmac } from 'node:crypto';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { configure, type TestApp } from '../helpers/strapi';
import { SCREENSHOTS, pageScreenshot, shows, withScreenshot } from './browser';
import { DEMO_SCRIPT_URL as SCRIPT_URL, DEMO_SETTINGS, PLAYGROUND_JWT_SECRET as JWT_SECRET, STAND_IN, USER_PASSWORD, seen, standInContext, startDemoSite, type StandInOptions } from './stand-in';

let app: TestApp;
let baseUrl: string;
let browser: Browser;
let ids: Record<string, number>;

interface Widget {
  context: BrowserContext;
  page: Page;
  requested: string[];
}

/** A browser context whose widget script comes from the stand-in, after `delayMs`. */
const openDemo = async (options: StandInOptions = {}): Promise<Widget> => {
  const { context, requested } = await standInContext(browser, options);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/chat-demo/`);
  return { context, page, requested };
};

const logInOnPage = async (page: Page, identifier: string, password: string) => {
  await page.locator('#login-form input[name=identifier]').fill(identifier);
  await page.locator('#login-form input[name=password]').fill(password);
  await page.locator('#login-form button[type=submit]').click();
};

beforeAll(async () => {
  ({ app, baseUrl, ids, browser } = await startDemoSite());
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the chat demo page', () => {
  it('gives a visitor the guest widget: the configured script, then load() with no arguments', async () => {
    const { context, page, requested } = await openDemo();
    await withScreenshot(page, 'demo-visitor', async () => {
      await shows(page.locator('#status'), 'You are a visitor');
      expect(requested).toEqual([SCRIPT_URL]);
      expect((await seen(page)).loads).toEqual(['no arguments']);
    });
    await context.close();
  });

  it("embeds the public chat once the widget has loaded, hears its event, and opens and closes it from the site's buttons", async () => {
    const { context, page } = await openDemo();
    await withScreenshot(page, 'demo-widget-calls', async () => {
      await shows(page.locator('#status'), 'You are a visitor');
      // The element embedChat was given: id = slug, marked for the widget, drawn into by placeHolder.
      await shows(page.locator('#public #playground-public[data-imbachat_chat_ph="1"]'), 'Playground public chat');
      await shows(page.locator('#widget-events'), 'The widget said: imbaChat.loaded.');
      await page.locator('#close-chat').click();
      await page.locator('#open-chat').click();
      await page.waitForFunction('window.__imba.calls.length >= 5');
      const { calls, placed } = await seen(page);
      expect(calls).toEqual([
        ['on', 'imbaChat.loaded', 'function'], // onWidget
        ['on', 'imbaChat.loaded', 'function'], // embedChat, waiting for the widget to load
        ['placeHolder', 'playground-public', 'Playground public chat'],
        ['closeChat'],
        ['openChat'],
      ]);
      expect(placed).toEqual([{ slug: 'playground-public', name: 'Playground public chat', marked: '1' }]);
      await pageScreenshot(page, '/tmp/s21c/chat-demo-visitor.png');
    });
    await context.close();
  });

  it('tells a visitor the chat is for site users while guest mode is off, adding no script', async () => {
    await configure(app.strapi, { guests: false });
    try {
      const { context, page, requested } = await openDemo();
      await withScreenshot(page, 'demo-guests-off', async () => {
        await shows(page.locator('#status'), 'The chat is for site users only: log in to chat.');
        const answer = await page.evaluate(`import('/chat-demo/imbachat-client.mjs').then((client) => client.loadImbaChat({ strapiUrl: location.origin }))`);
        expect(answer).toEqual({ loaded: false, reason: 'guests-off' });
        expect(await page.evaluate<number>(`document.querySelectorAll('script[src*="api.imbachat.com"]').length`)).toBe(0);
        expect(requested).toEqual([]);
        expect(await page.locator('#error').isVisible()).toBe(false);
        expect(await page.locator('#public').isVisible()).toBe(false);
        expect(await page.locator('#widget').isVisible()).toBe(false);
      });
      await context.close();
    } finally {
      await configure(app.strapi, { guests: null });
    }
  });

  it('logs a site user in and loads the chat with their id and a token signed with the secret key', async () => {
    const { context, page, requested } = await openDemo();
    await withScreenshot(page, 'demo-login', async () => {
      await shows(page.locator('#status'), 'You are a visitor');
      await logInOnPage(page, 'alice', USER_PASSWORD);
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      const { loads } = await seen(page);
      expect(loads).toHaveLength(1);
      const { user_id, token } = loads[0] as { user_id: number; token: string };
      expect(user_id).toBe(ids.alice);
      const [header, payload, signature] = token.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ exp: expect.any(Number), user_id: ids.alice });
      expect(signature).toBe(createHmac('sha256', DEMO_SETTINGS.secretKey).update(`${header}.${payload}`).digest('base64url'));
      // The configured script and nothing else (every() alone would also pass with no request at all).
      expect([...new Set(requested)]).toEqual([SCRIPT_URL]);
      await shows(page.locator('#people'), 'Bob Builder');
      await pageScreenshot(page, path.join(SCREENSHOTS, 'chat-demo.png'));
    });
    await context.close();
  });

  it('"Write message" for a logged-in user: a dialog token the site signed, then openDialog(id, 0, token); "Join" a group chat', async () => {
    const session = jwt.sign({ id: ids.alice }, JWT_SECRET, { expiresIn: '1h' });
    const { context, page } = await openDemo({ sessionJwt: session });
    const dialogRequests: { body: unknown; authorization?: string }[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/imbachat/dialog') dialogRequests.push({ body: request.postDataJSON(), authorization: request.headers().authorization });
    });
    await withScreenshot(page, 'demo-dialog-token', async () => {
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      await page.locator(`#people button[data-user-id="${ids.bob}"]`).click();
      await page.waitForFunction('window.__imba.dialogs.length > 0');
      await page.locator('#join-room').click();
      await page.waitForFunction('window.__imba.calls.some((call) => call[0] === "addToRoom")');
      const { calls, dialogs } = await seen(page);
      expect(dialogRequests).toEqual([{ body: { user_id: ids.bob }, authorization: `Bearer ${session}` }]);
      const opened = calls.filter(([name]) => name === 'openDialog');
      expect(opened).toEqual([['openDialog', ids.bob, 0, expect.any(String)]]);
      const token = opened[0][3] as string;
      const [header, payload, signature] = token.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ user_id: ids.bob, initiator: ids.alice, status: 0, exp: expect.any(Number) });
      expect(signature).toBe(createHmac('sha256', DEMO_SETTINGS.secretKey).update(`${header}.${payload}`).digest('base64url'));
      expect(dialogs).toEqual([ids.bob]);
      expect(calls.filter(([name]) => name === 'addToRoom')).toEqual([['addToRoom', { pipe: 'playground-lobby', title: 'Playground lobby', is_public: 1, type: 2 }]]);
      await shows(page.locator('#imbachat-stand-in'), 'Dialog with user #');
      expect(await page.locator('#error').isVisible()).toBe(false);
      await pageScreenshot(page, '/tmp/s21c/chat-demo-user.png');
    });
    await context.close();
  });

  it("turns the site's refusals into ImbaChatErrors with their codes, and opens no dialog", async () => {
    const session = jwt.sign({ id: ids.alice }, JWT_SECRET, { expiresIn: '1h' });
    const { context, page } = await openDemo({ sessionJwt: session });
    await withScreenshot(page, 'demo-dialog-refusals', async () => {
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      const refusals = await page.evaluate<unknown[]>(`import('/chat-demo/imbachat-client.mjs').then((client) => {
        const strapiUrl = location.origin;
        const tryIt = (userId, jwt) => client.openDialog(userId, { strapiUrl, jwt, timeoutMs: 2000 }).then(
          () => 'opened',
          (error) => ({ isImbaChatError: error instanceof client.ImbaChatError, status: error.status, code: error.code })
        );
        return Promise.all([tryIt(${ids.alice}, ${JSON.stringify(session)}), tryIt(${ids.mallory}, ${JSON.stringify(session)}), tryIt(999999, ${JSON.stringify(session)}), tryIt(${ids.bob}, 'not-a-jwt')]);
      })`);
      expect(refusals).toEqual([
        { isImbaChatError: true, status: 400, code: 'self-dialog' },
        { isImbaChatError: true, status: 404, code: 'unknown-user' },
        { isImbaChatError: true, status: 404, code: 'unknown-user' },
        { isImbaChatError: true, status: 401, code: 'unauthorized' },
      ]);
      expect((await seen(page)).dialogs).toEqual([]);
    });
    await context.close();
  });

  it('adds the widget script once when loadImbaChat is called twice', async () => {
    const { context, page, requested } = await openDemo();
    await withScreenshot(page, 'demo-twice', async () => {
      await shows(page.locator('#status'), 'You are a visitor');
      await page.evaluate(`import('/chat-demo/imbachat-client.mjs').then((client) =>
        Promise.all([client.loadImbaChat({ strapiUrl: location.origin }), client.loadImbaChat({ strapiUrl: location.origin })]))`);
      expect(await page.evaluate<number>(`document.querySelectorAll('script[src="${SCRIPT_URL}"]').length`)).toBe(1);
      expect(requested).toEqual([SCRIPT_URL]);
      expect((await seen(page)).loads).toHaveLength(3);
    });
    await context.close();
  });

  it('delivers a dialog opened before the widget is ready once it is, and only once', async () => {
    const session = jwt.sign({ id: ids.alice }, JWT_SECRET, { expiresIn: '1h' });
    const { context, page } = await openDemo({ delayMs: 2500, sessionJwt: session });
    await withScreenshot(page, 'demo-early-dialog', async () => {
      const write = page.locator(`#people button[data-user-id="${ids.bob}"]`);
      await write.waitFor();
      expect(await page.evaluate<boolean>('Boolean(window.ImbaChat)')).toBe(false);
      await write.click();
      expect((await seen(page)).dialogs).toEqual([]);
      await shows(page.locator('#status'), 'Chat loaded for alice.');
      await page.waitForFunction('window.__imba && window.__imba.dialogs.length > 0');
      await page.waitForTimeout(300);
      expect((await seen(page)).dialogs).toEqual([ids.bob]);
    });
    await context.close();
  });

  it('says at once when the widget script cannot be loaded, instead of waiting', async () => {
    const started = Date.now();
    const { context, page } = await openDemo({ unreachable: true });
    await withScreenshot(page, 'demo-unreachable', async () => {
      await shows(page.locator('#error'), 'The ImbaChat widget script could not be loaded from');
      expect(Date.now() - started).toBeLessThan(10_000);
    });
    await context.close();
  });

  it('refuses a widget script that is not https on a page that is not on localhost', async () => {
    // The demo served as http://shop.example (proxied to this Strapi), whose widget route names an http script.
    const context = await browser.newContext();
    const insecure = `http://api.imbachat.com/imbachat/v1/${DEMO_SETTINGS.widgetId}/widget`;
    const requested: string[] = [];
    await context.route('http://api.imbachat.com/**', (route) => {
      requested.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'application/javascript', body: STAND_IN });
    });
    await context.route('http://shop.example/**', async (route) => {
      const { pathname, search } = new URL(route.request().url());
      if (pathname === '/api/imbachat/widget') {
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ widget_id: DEMO_SETTINGS.widgetId, script_url: insecure, options: {} }) });
      }
      return route.fulfill({ response: await route.fetch({ url: `${baseUrl}${pathname}${search}` }) });
    });
    const page = await context.newPage();
    await page.goto('http://shop.example/chat-demo/');
    await withScreenshot(page, 'demo-insecure-script', async () => {
      await shows(page.locator('#error'), `The ImbaChat widget script was not loaded from ${insecure}: it is not an https URL`);
      const refusal = await page.evaluate<Record<string, unknown>>(`import('/chat-demo/imbachat-client.mjs').then((client) =>
        client.loadImbaChat({ strapiUrl: location.origin }).then(
          () => ({ loaded: true }),
          (error) => ({ isImbaChatError: error instanceof client.ImbaChatError, code: error.code, status: error.status })
        ))`);
      expect(refusal).toEqual({ isImbaChatError: true, code: 'insecure-script', status: 0 });
      expect(await page.evaluate<number>('document.querySelectorAll("script[src^=\'http://api.imbachat.com\']").length')).toBe(0);
      expect(requested).toEqual([]);
      expect((await seen(page)).loads).toEqual([]);
    });
    await context.close();
  });

  it('shows a wrong password as an error on the page', async () => {
    const { context, page } = await openDemo();
    await withScreenshot(page, 'demo-wrong-password', async () => {
      await shows(page.locator('#status'), 'You are a visitor');
      await logInOnPage(page, 'alice', 'not-the-password');
      await shows(page.locator('#error'), 'Login failed: Invalid identifier or password');
    });
    await context.close();
  });

  it('shows an expired Strapi JWT as an error on the page, not a blank', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ id: ids.alice, iat: now - 7200, exp: now - 3600 }, JWT_SECRET);
    const { context, page } = await openDemo({ sessionJwt: expired });
    await withScreenshot(page, 'demo-expired', async () => {
      await shows(page.locator('#error'), 'Your session has expired');
      await shows(page.locator('#status'), 'The chat could not load.');
      expect((await seen(page)).loads).toEqual([]);
      expect(await page.locator('#login').isVisible()).toBe(true);
    });
    await context.close();
  });
});
