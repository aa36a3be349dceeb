import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import jwt from 'jsonwebtoken';
import { USER_UID } from '../constants';
import { secretKeyObject } from './chat-token';
import { getService } from '../utils/get-service';
import { chatUserColumns, toChatUser, type ChatUser, type ChatUserContext, type UserRow } from '../utils/chat-user';
import type { SearchMode } from '../../../contract';

/** Rows created without `blocked` hold NULL, which `blocked = false` would not match. */
const NOT_BLOCKED = { $or: [{ blocked: false }, { blocked: { $null: true } }] };

const SEARCH_OPERATORS: Record<SearchMode, string> = {
  contains: '$containsi',
  prefix: '$startsWithi',
  exact: '$eqi',
};

// A bcrypt hash of a random, discarded password: checking against it costs what a real check costs,
// so an unknown login takes as long to refuse as a wrong password.
const DUMMY_PASSWORD_HASH = '$2a$10$Fn7jv1Lxcgh3fFn2bqnJxOphLKKO4CXgLzTPRPPRJwERbD4X4sQbG';

/**
 * One budget per person however the login is typed: case, compatibility forms and accents folded
 * (MariaDB's collations already find `álice` as alice; elsewhere it is counted with her).
 */
export const normaliseLogin = (login: string) =>
  login.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

export type SiteUserCheck = { ok: true; id: number } | { ok: false; status: 401 | 403; reason: string };

/** Site users (users-permissions) as the chat sees them. Knows nothing of HTTP. */
const usersService = ({ strapi }: { strapi: Core.Strapi }) => {
  const users = () => strapi.db.query(USER_UID);

  const context = async (baseUrl: string): Promise<ChatUserContext> => {
    const settings = await getService(strapi, 'settings').get();
    return { settings, fields: getService(strapi, 'userFields').plan(settings), baseUrl };
  };

  const query = (ctx: ChatUserContext) => ({
    select: chatUserColumns(ctx),
    populate: ctx.fields.avatar?.kind === 'media' ? { [ctx.fields.avatar.field]: { select: ['url'] } } : undefined,
  });

  const upConfig = (key: string) => strapi.config.get(`plugin::users-permissions.${key}`) as unknown;
  /**
   * users-permissions' own check of its JWT. In its default (legacy) mode this verifies the token
   * here with a key object made once, which is several times cheaper than the service's call.
   */
  const verifyAccessToken = async (accessToken: string): Promise<{ id?: unknown }> => {
    const secret = upConfig('jwtSecret');
    const algorithm = (upConfig('jwt') as { algorithm?: jwt.Algorithm } | undefined)?.algorithm ?? 'HS256';
    if (upConfig('jwtManagement') === 'refresh' || typeof secret !== 'string' || !algorithm.startsWith('HS')) {
      return strapi.plugin('users-permissions').service('jwt').verify(accessToken);
    }
    return jwt.verify(accessToken, secretKeyObject(secret), { algorithms: [algorithm] }) as { id?: unknown };
  };

  const upStore = (key: string) => strapi.store({ type: 'plugin', name: 'users-permissions', key }).get({});

  const emailConfirmationRequired = async () =>
    ((await upStore('advanced')) as { email_confirmation?: boolean } | null)?.email_confirmation === true;

  /** Settings → Users & Permissions → Providers → Email: off, Strapi's own login refuses everyone. */
  const emailProviderEnabled = async () =>
    ((await upStore('grant')) as { email?: { enabled?: boolean } } | null)?.email?.enabled === true;

  return {
    /** Users by id, in the order asked, each once; unknown and blocked users are left out. */
    async findByIds(ids: number[], baseUrl: string): Promise<ChatUser[]> {
      if (ids.length === 0) return [];
      const ctx = await context(baseUrl);
      const rows = await getService(strapi, 'userRows').byIds(ids, chatUserColumns(ctx), ctx.fields);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toChatUser(row, ctx)] : [];
      });
    },

    /** Users whose name or username (and email, only while shared) matches the term per the search mode. */
    async search(term: string, limit: number, baseUrl: string): Promise<ChatUser[]> {
      if (term === '') return [];
      const ctx = await context(baseUrl);
      const operator = SEARCH_OPERATORS[ctx.settings.searchMode];
      // Matching an address the chat server is not shown would let it recover addresses a letter at a time.
      const fields = [...new Set([ctx.fields.name, 'username', ...(ctx.settings.shareEmail ? ['email'] : [])])];
      const rows = (await users().findMany({
        ...query(ctx),
        where: { $and: [NOT_BLOCKED, { $or: fields.map((field) => ({ [field]: { [operator]: term } })) }] },
        orderBy: { id: 'asc' },
        limit,
      })) as UserRow[];
      return rows.map((row) => toChatUser(row, ctx));
    },

    /**
     * The chat server's login check, exactly as Strapi's own /api/auth/local judges it: the Email
     * provider enabled, a local account whose password matches, confirmed where Strapi requires
     * it, not blocked. Failures are throttled per account (or per login, normalised, when none
     * matches), so `alice`, `ALICE` and alice's email share one budget.
     * Throws RateLimitError (details.retryAfter, seconds) or ForbiddenError.
     */
    async checkLogin(login: string, password: string): Promise<Pick<ChatUser, 'user_id' | 'name'>> {
      const ctx = await context('');
      const select = [...new Set(['id', 'username', 'password', 'blocked', 'confirmed', ctx.fields.name])];
      const row = (await users().findOne({
        select,
        where: { provider: 'local', $or: [{ email: login.toLowerCase() }, { username: login }] },
      })) as (UserRow & { password?: string; blocked?: boolean; confirmed?: boolean }) | null;

      const throttle = getService(strapi, 'throttle');
      const budget = normaliseLogin(row?.username ?? login);
      const retryAfter = throttle.retryAfter('authUsers', budget);
      if (retryAfter > 0) {
        throw new errors.RateLimitError('Too many failed attempts for this login, try again later', { retryAfter });
      }

      const upUsers = strapi.plugin('users-permissions').service('user');
      const passwordOk = await upUsers.validatePassword(password, row?.password || DUMMY_PASSWORD_HASH);
      const accepted =
        row !== null &&
        Boolean(row.password) &&
        passwordOk &&
        row.blocked !== true &&
        (await emailProviderEnabled()) &&
        (row.confirmed === true || !(await emailConfirmationRequired()));
      if (!accepted) {
        await throttle.recordFailure('authUsers', budget);
        throw new errors.ForbiddenError('Invalid login or password');
      }
      await throttle.reset('authUsers', budget);
      const { user_id, name } = toChatUser(row, { ...ctx, fields: { ...ctx.fields, avatar: null } });
      return { user_id, name };
    },

    /** The site user behind a users-permissions access token, as Strapi's own auth strategy judges it. */
    async fromAccessToken(accessToken: string): Promise<SiteUserCheck> {
      let payload: { id?: unknown } | null;
      try {
        payload = await verifyAccessToken(accessToken);
      } catch {
        return { ok: false, status: 401, reason: 'Invalid or expired token' };
      }
      const id = Number(payload?.id);
      if (!Number.isSafeInteger(id) || id < 1) return { ok: false, status: 401, reason: 'Invalid or expired token' };
      const row = (await users().findOne({ select: ['id', 'blocked', 'confirmed'], where: { id } })) as {
        id: number;
        blocked?: boolean;
        confirmed?: boolean;
      } | null;
      if (!row) return { ok: false, status: 401, reason: 'Invalid or expired token' };
      if (row.blocked === true) return { ok: false, status: 403, reason: 'Your account has been blocked' };
      if (row.confirmed !== true && (await emailConfirmationRequired())) {
        return { ok: false, status: 403, reason: 'Your account email is not confirmed' };
      }
      return { ok: true, id: row.id };
    },
  };
};

export default usersService;
export type UsersService = ReturnType<typeof usersService>;
