import type { Context } from 'koa';

const NAMES: Record<number, string> = {
  400: 'ValidationError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  415: 'UnsupportedMediaTypeError',
  503: 'ServiceUnavailableError',
};

/** An error in Strapi's own REST shape, for the front-end routes (which a Strapi developer reads). */
export const sendStrapiError = (ctx: Context, status: number, message: string) => {
  ctx.status = status;
  ctx.body = { data: null, error: { status, name: NAMES[status] ?? 'HttpError', message, details: {} } };
};
