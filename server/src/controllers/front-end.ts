import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { signingProblem } from '../services/settings';
import { keepAuthErrorMessages } from '../middlewares/auth-errors';
import type { GuestsOff } from '../../../contract';
import { getService } from '../services/get-service';
import { parseDialogRequest } from '../validation/dialog-request';

const BEARER = /^Bearer +(\S+) *$/i;

/** The site user behind the request's users-permissions JWT: UnauthorizedError or ForbiddenError otherwise. */
const loggedInUser = async (strapi: Core.Strapi, ctx: Context) => {
  const accessToken = BEARER.exec(ctx.get('authorization'))?.[1];
  if (!accessToken) throw new errors.UnauthorizedError('Log in first: send the user\'s JWT as "Authorization: Bearer <jwt>"');
  return getService(strapi, 'siteAuth').userIdFromAccessToken(accessToken);
};

/** What the site's own front end asks for: the widget's address, and a chat token for its user. Strapi's error shape. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async widget(ctx: Context) {
    const settings = await getService(strapi, 'settings').get();
    // Guests off is a setting, not a fault: a 200 the front end reads, never an error it must catch.
    if (!settings.guests) {
      ctx.body = { guests: false } satisfies GuestsOff;
      return;
    }
    if (!settings.widgetId) return ctx.serviceUnavailable('ImbaChat is not configured: set the widget ID');
    ctx.body = getService(strapi, 'chatToken').widgetInfo(settings);
  },

  token: keepAuthErrorMessages(async (ctx: Context) => {
    const userId = await loggedInUser(strapi, ctx);

    const snapshot = await getService(strapi, 'settings').snapshot();
    const problem = signingProblem(snapshot);
    if (problem) return ctx.serviceUnavailable(problem);
    const { settings } = snapshot;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = getService(strapi, 'chatToken').issue(userId, settings);
    // After the answer is ready; the write itself waits for the next turn of the event loop.
    if (settings.trackLastSeen) getService(strapi, 'lastSeen').record(userId);
  }),

  /** A dialog token for "Write message": the site's `canOpenDialog` hook says whether, and how. */
  dialog: keepAuthErrorMessages(async (ctx: Context) => {
    const initiator = await loggedInUser(strapi, ctx);
    const snapshot = await getService(strapi, 'settings').snapshot();
    const problem = signingProblem(snapshot);
    if (problem) return ctx.serviceUnavailable(problem);
    const { settings } = snapshot;
    const { userId } = parseDialogRequest(ctx.request.body);
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = await getService(strapi, 'dialogToken').issue(initiator, userId, settings);
    } catch (error) {
      const retryAfter = (error as { details?: { retryAfter?: unknown } }).details?.retryAfter;
      if (error instanceof errors.RateLimitError && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      throw error;
    }
  }),
});
