import type { Core } from '@strapi/strapi';
import type { DashboardLink, Settings } from '../../../contract';
import { PLUGIN_ID } from '../constants';
import type { PluginConfig } from '../config';
import { imbachatApiBase, imbachatApiUrlProblem } from '../utils/imbachat-api-url';
import { signHs256 } from './chat-token';
import type { AdminUser } from './test-email';

/** ImbaChat's moderation dashboard, a single-page app keyed by the widget's id. */
const DASHBOARD_URL = 'https://dashboard.imbachat.com';
/** How long the admin JWT the dashboard signs in with lasts (the WordPress plugin's 7 hours). */
const DASHBOARD_TOKEN_SECONDS = 7 * 3600;

/** ImbaChat's API could not say who the support user is: the route answers 502 with this message. */
export class DashboardUpstreamError extends Error {}
/** The dashboard cannot be opened from this site's configuration: 503 with this message. */
export class DashboardNotConfigured extends Error {}

/** Nothing of the secret in a message, whatever a library or the API put in it. */
const withoutSecret = (text: string, secret: string) =>
  secret ? text.split(secret).join('[secret]').split(encodeURIComponent(secret)).join('[secret]') : text;

/**
 * Opens ImbaChat's moderation dashboard as the WordPress plugin does: asks ImbaChat's API for the
 * widget's support user (`get_user_support`, the Secret key as form field `secret`), and signs
 * that user in with an admin JWT (`user_role: admin`, `back_to` this admin panel). No redirect is
 * followed (the secret goes to the configured host only); `dashboardTimeoutMs` bounds the call.
 */
const dashboardService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;

  /** The support user's id, or null when the widget has none. */
  const supportUser = async (widgetId: string, secret: string): Promise<number | null> => {
    const apiUrl = config().imbachatApiUrl;
    const problem = imbachatApiUrlProblem(apiUrl);
    if (problem) throw new DashboardNotConfigured(`config/plugins imbachat.config.imbachatApiUrl ${problem}`);
    const timeoutMs = config().dashboardTimeoutMs;
    const fail = (why: string) => new DashboardUpstreamError(withoutSecret(`ImbaChat's API ${why}`, secret));

    let response: Response;
    let text: string;
    try {
      response = await fetch(`${imbachatApiBase(apiUrl)}/imbachat/v1/${encodeURIComponent(widgetId)}/get_user_support`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ secret }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const { name, cause } = error as Error & { cause?: { code?: string } };
      if (name === 'TimeoutError' || name === 'AbortError') throw fail(`did not answer within ${timeoutMs / 1000} s`);
      throw fail(`could not be reached (${cause?.code ?? (error as Error).message})`);
    }
    if (response.status >= 300 && response.status < 400) throw fail(`answered a redirect (${response.status}), which is not followed`);
    if (response.status >= 400) throw fail(`answered HTTP ${response.status}`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw fail(`answered something that is not JSON (${(response.headers.get('content-type') ?? 'no content type').slice(0, 80)})`);
    }
    const { success, id } = (answer ?? {}) as { success?: unknown; id?: unknown };
    if (success !== true || id === undefined || id === null || id === '') return null;
    const userId = typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : id;
    if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId < 1) throw fail('answered a support user id that is not a positive whole number');
    return userId;
  };

  return {
    /**
     * Where the admin's browser goes: signed in as the support user, or the dashboard's sign-in page
     * when the widget has none. Throws DashboardNotConfigured or DashboardUpstreamError; logs one
     * line per opening (who, when), never the secret or the token.
     */
    async open(admin: AdminUser, settings: Pick<Settings, 'widgetId' | 'secretKey'>, nowMs = Date.now()): Promise<DashboardLink> {
      const who = `admin #${admin.id} (${admin.email})`;
      let userId: number | null;
      try {
        userId = await supportUser(settings.widgetId, settings.secretKey);
      } catch (error) {
        strapi.log.warn(`[imbachat] The moderation dashboard was not opened for ${who}: ${(error as Error).message}`);
        throw error;
      }
      const base = `${DASHBOARD_URL}/#/${encodeURIComponent(settings.widgetId)}`;
      const at = new Date(nowMs).toISOString();
      if (userId === null) {
        strapi.log.info(`[imbachat] ${who} opened the moderation dashboard at ${at} (sign-in page: the widget has no support user)`);
        return { url: `${base}/signIn` };
      }
      const backTo = String(strapi.config.get('admin.absoluteUrl') ?? '');
      const token = signHs256(
        { exp: Math.floor(nowMs / 1000) + DASHBOARD_TOKEN_SECONDS, user_id: userId, user_role: 'admin', back_to: backTo },
        settings.secretKey
      );
      strapi.log.info(`[imbachat] ${who} opened the moderation dashboard at ${at} as support user ${userId}`);
      return { url: `${base}/auth/${token}` };
    },
  };
};

export default dashboardService;
