import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { siteRoles } from '../repositories/site-roles';
import { getService } from '../utils/get-service';
import { pluginEndpoints, publicBaseUrl, selfBaseUrl } from '../utils/public-url';
import { bodyObject, optionalString } from '../utils/request-input';

/** The admin API behind Settings → ImbaChat (admin JWT, RBAC enforced by the routes' policies). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const respond = async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: await getService(strapi, 'settings').getPublic(),
      meta: {
        endpoints: pluginEndpoints(strapi, publicBaseUrl(strapi, ctx.origin)),
        userFields: getService(strapi, 'userFields').choices(),
        roles: await siteRoles(strapi).list(),
        emailConfirmation: await getService(strapi, 'siteAuth').emailConfirmationRequired(),
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
      const userIds = optionalString(bodyObject(ctx.request.body).user_ids, 'user_ids', 200) ?? '';
      const { usersInfo } = pluginEndpoints(strapi, selfBaseUrl(strapi));
      ctx.body = await getService(strapi, 'apiTest').run(usersInfo, userIds);
    },
  };
};
