import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../services/get-service';

/** The chat server's status behind Settings → ImbaChat → Connection (admin JWT, RBAC by the routes' policies). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const respond = async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: await getService(strapi, 'status').report(ctx.origin) };
  };

  return {
    find: respond,

    async unlock(ctx: Context) {
      await getService(strapi, 'throttle').unlock(String(ctx.params.key ?? ''));
      await respond(ctx);
    },
  };
};
