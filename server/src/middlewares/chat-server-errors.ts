import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { sendChatError } from '../utils/chat-error';

const STATUS_BY_NAME: Record<string, number> = {
  ValidationError: 400,
  ApplicationError: 400,
  ForbiddenError: 403,
  PayloadTooLargeError: 413,
  RateLimitError: 429,
};

/**
 * Wraps the chat-server routes so every failure answers in ImbaChat's error shape with an
 * HTTP status equal to `code`, and nothing internal (stack, SQL, settings) leaks out.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const { name, message, status, expose, details } = error as Error & {
        status?: number;
        expose?: boolean;
        details?: { retryAfter?: number };
      };
      const known = STATUS_BY_NAME[name] ?? (expose && status && status < 500 ? status : undefined);
      const retryAfter = name === 'RateLimitError' && details?.retryAfter ? { 'Retry-After': String(details.retryAfter) } : undefined;
      if (known) return sendChatError(ctx, known, message, retryAfter);
      strapi.log.error(`[imbachat] ${ctx.method} ${ctx.path} failed: ${name}: ${message}`);
      return sendChatError(ctx, 500, 'Internal server error');
    }
  };
