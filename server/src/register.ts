import { STATUS_CODES } from 'node:http';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from './constants';
import { isChatErrorBody, sendChatError } from './utils/chat-error';
import { apiPrefix } from './utils/public-url';
import { sendStrapiError } from './utils/strapi-error';

/**
 * Runs before Strapi's global middlewares, for the plugin's own paths only (every other request
 * passes straight through). None of the plugin's routes takes a file, and Strapi's body parser
 * answers a malformed multipart body with a 500: such bodies are refused (415) before it runs.
 * On the chat-server API, whatever Strapi answers before or after routing (bad JSON, a body too
 * large, no such route) is put in ImbaChat's error shape, which is all the chat server reads.
 */
const guardOwnRoutes = (strapi: Core.Strapi) => {
  const chatServer = `${apiPrefix(strapi)}/${PLUGIN_ID}/v1`;
  const ours = [`${apiPrefix(strapi)}/${PLUGIN_ID}/`, `/${PLUGIN_ID}/`];
  const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

  return async (ctx: Context, next: Next) => {
    const isChatServer = within(ctx.path, chatServer);
    if (!isChatServer && !ours.some((prefix) => `${ctx.path}/`.startsWith(prefix))) return next();

    const refuse = isChatServer ? sendChatError : sendStrapiError;
    if (ctx.is('multipart')) return refuse(ctx, 415, 'Multipart bodies are not accepted here: send JSON or a form');
    if (!isChatServer) return next();
    const hasBody = Boolean(ctx.get('transfer-encoding')) || (ctx.request.length ?? 0) > 0;
    if (hasBody && !ctx.is('json', 'urlencoded')) {
      return refuse(ctx, 415, 'Unsupported content type: send JSON or a form (application/x-www-form-urlencoded)');
    }

    try {
      await next();
    } catch (error) {
      const { status, expose, message } = error as { status?: number; expose?: boolean; message?: string };
      ctx.status = typeof status === 'number' && status >= 400 ? status : 500;
      ctx.body = { error: { message: expose ? message : undefined } };
    }
    if (ctx.status >= 400 && !isChatErrorBody(ctx.body)) {
      const message = (ctx.body as { error?: { message?: unknown } } | undefined)?.error?.message;
      const error = ctx.status < 500 && typeof message === 'string' && message ? message : STATUS_CODES[ctx.status] ?? 'Error';
      sendChatError(ctx, ctx.status, error);
    }
  };
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.server.use(guardOwnRoutes(strapi));
};
