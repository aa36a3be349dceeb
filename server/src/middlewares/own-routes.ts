import { STATUS_CODES } from 'node:http';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { CHAT_SERVER_PATHS, PLUGIN_PATH, type ChatServerRoute } from '../../../contract';
import { PLUGIN_ID } from '../constants';
import { isChatErrorBody, sendChatError } from './chat-error';
import { chatServerRouteOf } from '../utils/chat-server-status';
import { getService } from '../services/get-service';
import { basicAuthRefusal } from './basic-auth';
import { apiPrefix } from '../services/site-address';
import { SELF_TEST_HEADER, isSelfTestMark } from '../utils/self-test';

type StrapiErrorBody = { error?: { message?: unknown; details?: { retryAfter?: unknown } } } | undefined;

/**
 * Runs before Strapi's global middlewares, for the plugin's own paths only (every other request
 * passes straight through). None of the plugin's routes takes a file, and Strapi's body parser
 * answers a malformed multipart body with a 500: such bodies are refused (415) before it runs.
 * On the chat-server API, whatever Strapi answered (its errors middleware formats what routes
 * throw, its body parser and router fail before them) is put in ImbaChat's shape, which is all
 * the chat server reads; and the call, answered, is noted for the admin's status (services/status.ts).
 */
export const guardOwnRoutes = (strapi: Core.Strapi) => {
  const base = `${apiPrefix(strapi)}${PLUGIN_PATH}`;
  const chatServer = base + CHAT_SERVER_PATHS.version.path;
  const ours = [`${base}/`, `/${PLUGIN_ID}/`];
  const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  const MULTIPART = 'Multipart bodies are not accepted here: send JSON or a form';

  /** Notes the call for the admin's status once it is answered: memory only, and never a reason for the call to fail. */
  const record = (ctx: Context, route: ChatServerRoute) => {
    try {
      getService(strapi, 'status').record(route, ctx.status, ctx.ip, basicAuthRefusal(ctx));
    } catch {
      // The status is a courtesy to the admin; the chat server's answer is what matters.
    }
  };

  /** The chat server's answer, in ImbaChat's shape whatever failed. */
  const answerChatServer = async (ctx: Context, next: Next) => {
    const hasBody = Boolean(ctx.get('transfer-encoding')) || (ctx.request.length ?? 0) > 0;
    if (ctx.is('multipart')) return sendChatError(ctx, 415, MULTIPART);
    if (hasBody && !ctx.is('json', 'urlencoded')) {
      return sendChatError(ctx, 415, 'Unsupported content type: send JSON or a form (application/x-www-form-urlencoded)');
    }

    try {
      await next();
    } catch (error) {
      // Only when the site's middlewares lack strapi::errors: Koa would answer in plain text.
      const { status, expose, message } = error as { status?: number; expose?: boolean; message?: string };
      ctx.status = typeof status === 'number' && status >= 400 ? status : 500;
      ctx.body = { error: { message: expose ? message : undefined } };
    }
    if (ctx.status >= 400 && !isChatErrorBody(ctx.body)) {
      const { message, details } = (ctx.body as StrapiErrorBody)?.error ?? {};
      const error = ctx.status < 500 && typeof message === 'string' && message ? message : STATUS_CODES[ctx.status] ?? 'Error';
      const retryAfter = Number(details?.retryAfter);
      sendChatError(ctx, ctx.status, error, Number.isSafeInteger(retryAfter) && retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {});
    }
  };

  return async (ctx: Context, next: Next) => {
    const isChatServer = within(ctx.path, chatServer);
    if (!isChatServer && !ours.some((prefix) => `${ctx.path}/`.startsWith(prefix))) return next();
    if (!isChatServer) return ctx.is('multipart') ? ctx.unsupportedMediaType(MULTIPART) : next();

    const route = chatServerRouteOf(ctx.path.slice(base.length));
    await answerChatServer(ctx, next);
    // Test API's own request is the admin's, not the chat server's: it is not its call.
    if (route && !isSelfTestMark(ctx.get(SELF_TEST_HEADER), strapi.config.get('admin.auth.secret'))) record(ctx, route);
  };
};
