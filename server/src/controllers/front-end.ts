import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { keepAuthErrorMessages } from '../middlewares/auth-errors';
import { getService } from '../services/get-service';
import { parseDialogRequest } from '../validation/dialog-request';
import { NotConfiguredError, retryAfterOf } from '../services/front-end';

/** A handler whose NotConfiguredError is Strapi's 503 (`ctx.serviceUnavailable`), its 401/403 with their messages. */
const frontEndRoute = (handler: (ctx: Context) => Promise<void>) =>
  keepAuthErrorMessages(async (ctx: Context) => {
    try {
      await handler(ctx);
    } catch (error) {
      if (error instanceof NotConfiguredError) return ctx.serviceUnavailable(error.message);
      throw error;
    }
  });

/** What the site's own front end asks for: the widget's address, and a chat token for its user. Strapi's error shape. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const frontEnd = () => getService(strapi, 'frontEnd');
  return {
    widget: frontEndRoute(async (ctx: Context) => {
      // Guests off is a setting, not a fault: a 200 the front end reads, never an error it must catch.
      ctx.body = await frontEnd().widget();
    }),

    token: frontEndRoute(async (ctx: Context) => {
      const answer = await frontEnd().chatToken(ctx.get('authorization'));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = answer;
    }),

    /** A dialog token for "Write message": the site's `canOpenDialog` hook says whether, and how. */
    dialog: frontEndRoute(async (ctx: Context) => {
      const signer = await frontEnd().signer(ctx.get('authorization'));
      const { userId } = parseDialogRequest(ctx.request.body);
      ctx.set('Cache-Control', 'no-store');
      try {
        ctx.body = await frontEnd().dialogToken(signer, userId);
      } catch (error) {
        const retryAfter = retryAfterOf(error);
        if (retryAfter !== undefined) ctx.set('Retry-After', String(retryAfter));
        throw error;
      }
    }),
  };
};
