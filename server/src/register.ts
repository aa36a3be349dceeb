import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from './constants';
import { sendChatError } from './utils/chat-error';
import { apiPrefix } from './utils/public-url';
import { sendStrapiError } from './utils/strapi-error';

/**
 * None of the plugin's routes takes a file, and Strapi's body parser answers a malformed
 * multipart body with a 500: such requests are refused (415) before it runs.
 */
const refuseMultipart = (strapi: Core.Strapi) => {
  const chatServer = `${apiPrefix(strapi)}/${PLUGIN_ID}/v1`;
  const ours = [`${apiPrefix(strapi)}/${PLUGIN_ID}/`, `/${PLUGIN_ID}/`];
  return async (ctx: Context, next: Next) => {
    if (!ctx.is('multipart') || !ours.some((prefix) => `${ctx.path}/`.startsWith(prefix))) return next();
    const message = 'Multipart bodies are not accepted here: send JSON or a form';
    if (ctx.path.startsWith(chatServer)) return sendChatError(ctx, 415, message);
    return sendStrapiError(ctx, 415, message);
  };
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.server.use(refuseMultipart(strapi));
};
