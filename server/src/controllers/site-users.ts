import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../services/get-service';
import { parseSearchLimit, parseSearchTerm } from '../validation/search-request';

const PICKER_LIMIT_DEFAULT = 10;
const PICKER_LIMIT_MAX = 20;

/** Site users for Test API's picker (admin JWT, read permission). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const term = parseSearchTerm(ctx.query.q);
    const limit = parseSearchLimit(ctx.query.limit, PICKER_LIMIT_DEFAULT, PICKER_LIMIT_MAX);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: await getService(strapi, 'users').pick(term, limit) };
  },
});
