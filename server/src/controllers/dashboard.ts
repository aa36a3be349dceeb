import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { DashboardNotConfigured, DashboardUpstreamError } from '../services/dashboard';
import { signingProblem } from '../services/settings';
import type { AdminUser } from '../services/test-email';
import { getService } from '../services/get-service';

/** "Open the moderation dashboard" on the Widget page (admin JWT, `plugin::imbachat.dashboard.open` by the route's policy). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async open(ctx: Context) {
    const snapshot = await getService(strapi, 'settings').snapshot();
    const problem = signingProblem(snapshot);
    if (problem) return ctx.serviceUnavailable(problem);
    const { settings } = snapshot;
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = await getService(strapi, 'dashboard').open(ctx.state.user as AdminUser, settings);
    } catch (error) {
      if (error instanceof DashboardUpstreamError) return ctx.badGateway(error.message);
      if (error instanceof DashboardNotConfigured) return ctx.serviceUnavailable(error.message);
      throw error;
    }
  },
});
