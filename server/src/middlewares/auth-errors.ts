import type { Context } from 'koa';
import { errors } from '@strapi/utils';

/**
 * Strapi's route authorization step catches an UnauthorizedError or ForbiddenError thrown below it
 * and answers a bare 401/403 without its message. A handler wrapped here answers them with
 * Strapi's own ctx helpers instead, message kept; every other error goes on to Strapi.
 */
export const keepAuthErrorMessages =
  (handler: (ctx: Context) => Promise<void>) =>
  async (ctx: Context): Promise<void> => {
    try {
      await handler(ctx);
    } catch (error) {
      if (error instanceof errors.UnauthorizedError) return ctx.unauthorized(error.message, error.details ?? {});
      if (error instanceof errors.ForbiddenError) return ctx.forbidden(error.message, error.details ?? {});
      throw error;
    }
  };
