import type { Context } from 'koa';
import { API_VERSION } from '../constants';

/** The one place the chat-server error body `{code, version, error, debug}` is made. */
export const sendChatError = (ctx: Context, code: number, error: string, headers: Record<string, string> = {}) => {
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.status = code;
  ctx.type = 'application/json';
  ctx.body = { code, version: API_VERSION, error, debug: '' };
};

/** True for a body in that shape (made by sendChatError). */
export const isChatErrorBody = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'code' in body && 'version' in body && 'error' in body && 'debug' in body;
