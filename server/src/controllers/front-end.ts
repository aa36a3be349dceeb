import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { sendStrapiError } from '../utils/strapi-error';
import { unreadableReason } from '../services/settings';

const BEARER = /^Bearer +(\S+) *$/i;

/** What the site's own front end asks for: the widget's address, and a chat token for its user. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async widget(ctx: Context) {
    const settings = await getService(strapi, 'settings').get();
    if (!settings.widgetId) return sendStrapiError(ctx, 503, 'ImbaChat is not configured: set the widget ID');
    ctx.body = getService(strapi, 'chatToken').widgetInfo(settings);
  },

  async token(ctx: Context) {
    const accessToken = BEARER.exec(ctx.get('authorization'))?.[1];
    if (!accessToken) {
      return sendStrapiError(ctx, 401, 'Log in first: send the user\'s JWT as "Authorization: Bearer <jwt>"');
    }
    const user = await getService(strapi, 'users').fromAccessToken(accessToken);
    if (!user.ok) return sendStrapiError(ctx, user.status, user.reason);

    const { settings, unreadable } = await getService(strapi, 'settings').snapshot();
    if (!settings.secretKey && unreadable.includes('secretKey')) return sendStrapiError(ctx, 503, unreadableReason('secretKey'));
    if (!settings.widgetId || !settings.secretKey) {
      return sendStrapiError(ctx, 503, 'ImbaChat is not configured: set the widget ID and the secret key');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = getService(strapi, 'chatToken').issue(user.id, settings);
  },
});
