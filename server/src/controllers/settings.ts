import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import type { AdminUser } from '../services/test-email';
import { getService } from '../services/get-service';
import { pluginEndpoints, publicBaseUrl, publicUrlCheck, selfBaseUrl } from '../services/site-address';
import { parseApiTestRequest } from '../validation/api-test-request';

/** The admin API behind Settings → ImbaChat (admin JWT, RBAC enforced by the routes' policies). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const respond = async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: await getService(strapi, 'settings').getPublic(),
      meta: {
        endpoints: pluginEndpoints(strapi, publicBaseUrl(strapi, ctx.origin)),
        userFields: getService(strapi, 'userFields').choices(),
        roles: await getService(strapi, 'userFields').roles(),
        emailConfirmation: await getService(strapi, 'siteAuth').emailConfirmationRequired(),
        publicUrl: publicUrlCheck(strapi, ctx.origin),
        emailProvider: getService(strapi, 'testEmail').providerName(),
      },
    };
  };

  return {
    find: respond,

    async update(ctx: Context) {
      await getService(strapi, 'settings').update(ctx.request.body);
      await respond(ctx);
    },

    async test(ctx: Context) {
      const { userIds, apiLogin, apiPassword } = parseApiTestRequest(ctx.request.body);
      const { usersInfo } = pluginEndpoints(strapi, selfBaseUrl(strapi));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await getService(strapi, 'apiTest').run(usersInfo, userIds, { apiLogin, apiPassword });
    },

    async testEmail(ctx: Context) {
      try {
        ctx.body = { data: await getService(strapi, 'testEmail').send(ctx.state.user as AdminUser) };
      } catch (error) {
        const retryAfter = (error as { details?: { retryAfter?: unknown } }).details?.retryAfter;
        if (error instanceof errors.RateLimitError && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
        throw error;
      }
    },
  };
};
