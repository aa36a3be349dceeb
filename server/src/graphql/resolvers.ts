import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { ChatToken, DialogToken } from '../../../contract';
import { getService } from '../services/get-service';
import { parseDialogRequest } from '../validation/dialog-request';
import { NotConfiguredError, retryAfterOf } from '../services/front-end';

/** What Strapi's GraphQL plugin hands a resolver: the Koa context of the HTTP request. */
interface GraphqlContext {
  koaContext: Context;
}
interface ResolveInfo {
  cacheControl?: { setCacheHint?: (hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' }) => void };
}

/** The HTTP status REST answers each refusal with (Strapi's own table, plus the 503). */
const STATUSES: [new (...args: never[]) => Error, number][] = [
  [errors.UnauthorizedError, 401],
  [errors.ForbiddenError, 403],
  [errors.NotFoundError, 404],
  [errors.RateLimitError, 429],
  [NotConfiguredError, 503],
];

/**
 * Strapi's GraphQL plugin turns a Strapi error into `extensions.code` and `extensions.error`
 * ({name, message, details}, as REST's body has them); this adds `extensions.status`, the status
 * REST answers, which its codes do not tell apart (401 and 403 are both FORBIDDEN).
 */
const withStatus = (error: unknown) => {
  if (error instanceof errors.ApplicationError) {
    const status = STATUSES.find(([kind]) => error instanceof kind)?.[1] ?? 400;
    Object.assign(error, { extensions: { status } });
  }
  return error;
};

const refusalsWithStatus =
  <Args extends unknown[], Answer>(resolve: (...args: Args) => Promise<Answer>) =>
  async (...args: Args): Promise<Answer> => {
    try {
      return await resolve(...args);
    } catch (error) {
      throw withStatus(error);
    }
  };

/** A token is never for a shared cache, whatever default max-age the site gave Apollo. */
const noStore = (info: ResolveInfo) => info.cacheControl?.setCacheHint?.({ maxAge: 0, scope: 'PRIVATE' });

const tokenFields = (answer: ChatToken) => ({
  token: answer.token,
  userId: answer.user_id,
  expiresAt: answer.expires_at,
  widgetId: answer.widget_id,
  scriptUrl: answer.script_url,
  options: answer.options,
});

const dialogFields = (answer: DialogToken) => ({
  token: answer.token,
  userId: answer.user_id,
  status: answer.status,
  expiresAt: answer.expires_at,
});

/** The GraphQL way in to the front-end service: the same answers and refusals as the REST routes. */
export const resolvers = (strapi: Core.Strapi) => {
  const frontEnd = () => getService(strapi, 'frontEnd');
  const authorization = ({ koaContext }: GraphqlContext) => koaContext.get('authorization');

  return {
    Query: {
      imbachatToken: refusalsWithStatus(async (_parent: unknown, _args: unknown, context: GraphqlContext, info: ResolveInfo) => {
        noStore(info);
        return tokenFields(await frontEnd().chatToken(authorization(context)));
      }),

      imbachatWidget: refusalsWithStatus(async () => {
        const answer = await frontEnd().widget();
        if ('guests' in answer) return { guests: false, widgetId: null, scriptUrl: null, options: null };
        return { guests: true, widgetId: answer.widget_id, scriptUrl: answer.script_url, options: answer.options };
      }),
    },

    Mutation: {
      imbachatDialog: refusalsWithStatus(async (_parent: unknown, args: { userId?: unknown }, context: GraphqlContext, info: ResolveInfo) => {
        noStore(info);
        const signer = await frontEnd().signer(authorization(context));
        const { userId } = parseDialogRequest({ user_id: args.userId });
        try {
          return dialogFields(await frontEnd().dialogToken(signer, userId));
        } catch (error) {
          const retryAfter = retryAfterOf(error);
          if (retryAfter !== undefined) context.koaContext.set('Retry-After', String(retryAfter));
          throw error;
        }
      }),
    },
  };
};
