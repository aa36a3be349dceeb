import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { version as pluginVersion } from '../../../package.json';
import { API_VERSION, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from '../constants';
import { chatServerSettings } from '../middlewares/basic-auth';
import { OutboxFull } from '../services/notifications';
import { keepAuthErrorMessages } from '../middlewares/auth-errors';
import { sendChatError } from '../middlewares/chat-error';
import { chatUsersJson } from '../utils/chat-user';
import { getService } from '../services/get-service';
import { parseUserId, parseUserIds } from '../validation/parse-user-ids';
import { publicBaseUrl } from '../services/site-address';
import { bodyObject, firstPresent, optionalString } from '../validation/request-input';
import { parseNotificationRequest } from '../validation/notification-request';
import { parseSearchLimit, parseSearchTerm } from '../validation/search-request';

const LOGIN_MAX_LENGTH = 255;
/** When a full outbox asks the chat server to come back. */
const OUTBOX_FULL_RETRY_SECONDS = 60;
const PASSWORD_MAX_LENGTH = 1024;

/**
 * The routes ImbaChat's chat server calls, behind the basic-auth middleware (which has read the
 * settings for this request). Parse, call, reply; errors are thrown and shaped for ImbaChat by
 * the plugin's guard of its own routes.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  version(ctx: Context) {
    ctx.body = { version: API_VERSION, type: 'Strapi plugin', plugin: pluginVersion };
  },

  async usersInfo(ctx: Context) {
    const settings = chatServerSettings(ctx);
    const raw =
      ctx.params.ids ??
      firstPresent(ctx.query, ['user_ids', 'ids']) ??
      firstPresent(bodyObject(ctx.request.body), ['user_ids', 'users']);
    const ids = parseUserIds(raw, settings.idSeparator);
    ctx.type = 'application/json';
    ctx.body = chatUsersJson(await getService(strapi, 'users').findByIds(ids, publicBaseUrl(strapi, ctx.origin), settings));
  },

  async search(ctx: Context) {
    const term = parseSearchTerm(ctx.params.key ?? ctx.query.q);
    const limit = parseSearchLimit(ctx.query.limit, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX);
    const users = getService(strapi, 'users');
    const data = await users.search(term, limit, publicBaseUrl(strapi, ctx.origin), chatServerSettings(ctx));
    ctx.type = 'application/json';
    ctx.body = `{"code":200,"version":${API_VERSION},"data":${chatUsersJson(data)}}`;
  },

  authUsers: keepAuthErrorMessages(async (ctx: Context) => {
    const body = bodyObject(ctx.request.body);
    const login = optionalString(firstPresent(body, ['login', 'username', 'identifier', 'email']), 'login', LOGIN_MAX_LENGTH);
    const password = optionalString(body.password, 'password', PASSWORD_MAX_LENGTH);
    if (!login || !password) throw new errors.ValidationError('login and password are required');
    const names = getService(strapi, 'userFields').attributesFor(chatServerSettings(ctx));
    ctx.body = await getService(strapi, 'siteAuth').checkLogin(login, password, names);
  }),

  /** A user's friends; an id that is no positive integer names nobody: [] (as junk ids are ignored by users by id). */
  async friends(ctx: Context) {
    const id = parseUserId(ctx.params.id);
    const friends = id === undefined ? [] : await getService(strapi, 'users').friends(id, publicBaseUrl(strapi, ctx.origin), chatServerSettings(ctx));
    ctx.type = 'application/json';
    ctx.body = chatUsersJson(friends);
  },

  async notifications(ctx: Context) {
    const request = parseNotificationRequest(bodyObject(ctx.request.body));
    const settings = chatServerSettings(ctx);
    const notifications = getService(strapi, 'notifications');
    try {
      const data =
        'emailTo' in request
          ? await notifications.notifyAddress(request.emailTo, request.message, settings)
          : await notifications.notifyUser(request.userId, request.message, settings);
      ctx.body = { code: 200, version: API_VERSION, data };
    } catch (error) {
      // The same for any address: whether the outbox has room says nothing of whose it is.
      if (error instanceof OutboxFull) return sendChatError(ctx, 503, error.message, { 'Retry-After': String(OUTBOX_FULL_RETRY_SECONDS) });
      throw error;
    }
  },
});
