import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import jwt from 'jsonwebtoken';
import { secretKeyObject } from './chat-token';
import { siteUsers } from '../repositories/site-users';
import { getService } from '../utils/get-service';
import { toChatUser, type ChatUser } from '../utils/chat-user';

// A bcrypt hash of a random, discarded password: checking against it costs what a real check costs,
// so an unknown login takes as long to refuse as a wrong password.
const DUMMY_PASSWORD_HASH = '$2a$10$Fn7jv1Lxcgh3fFn2bqnJxOphLKKO4CXgLzTPRPPRJwERbD4X4sQbG';

/**
 * One budget per person however the login is typed: case, compatibility forms and accents folded
 * (MariaDB's collations already find `álice` as alice; elsewhere it is counted with her).
 */
export const normaliseLogin = (login: string) =>
  login.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * Who a site user is, judged as users-permissions judges it: its JWT for the front-end routes, its
 * login and password for the chat server's login check. Throws Strapi's errors; knows nothing of HTTP.
 */
const siteAuthService = ({ strapi }: { strapi: Core.Strapi }) => {
  const repository = siteUsers(strapi);
  const upConfig = (key: string) => strapi.config.get(`plugin::users-permissions.${key}`) as unknown;
  const upStore = (key: string) => strapi.store({ type: 'plugin', name: 'users-permissions', key }).get({});

  const emailConfirmationRequired = async () =>
    ((await upStore('advanced')) as { email_confirmation?: boolean } | null)?.email_confirmation === true;

  /** Settings → Users & Permissions → Providers → Email: off, Strapi's own login refuses everyone. */
  const emailProviderEnabled = async () =>
    ((await upStore('grant')) as { email?: { enabled?: boolean } } | null)?.email?.enabled === true;

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

  return {
    /** The id of the site user behind a users-permissions access token; UnauthorizedError or ForbiddenError otherwise. */
    async userIdFromAccessToken(accessToken: string): Promise<number> {
      const invalid = () => new errors.UnauthorizedError('Invalid or expired token');
      const payload = await verifyAccessToken(accessToken).catch(() => {
        throw invalid();
      });
      const id = Number(payload?.id);
      if (!Number.isSafeInteger(id) || id < 1) throw invalid();
      const standing = await repository.standing(id);
      if (!standing) throw invalid();
      if (standing.blocked) throw new errors.ForbiddenError('Your account has been blocked');
      if (!standing.confirmed && (await emailConfirmationRequired())) {
        throw new errors.ForbiddenError('Your account email is not confirmed');
      }
      return id;
    },

    /**
     * The chat server's login check, exactly as Strapi's own /api/auth/local judges it: the Email
     * provider enabled, a local account whose password matches, confirmed where Strapi requires
     * it, not blocked. Failures are throttled per account (or per login, normalised, when none
     * matches), so `alice`, `ALICE` and alice's email share one budget.
     * Throws RateLimitError (details.retryAfter, seconds) or ForbiddenError.
     */
    async checkLogin(login: string, password: string, nameField: string): Promise<Pick<ChatUser, 'user_id' | 'name'>> {
      const account = await repository.localAccount(login, nameField);
      const throttle = getService(strapi, 'throttle');
      const budget = normaliseLogin(account?.username ?? login);
      const retryAfter = throttle.retryAfter('authUsers', budget);
      if (retryAfter > 0) {
        throw new errors.RateLimitError('Too many failed attempts for this login, try again later', { retryAfter });
      }

      const upUsers = strapi.plugin('users-permissions').service('user');
      const passwordOk = await upUsers.validatePassword(password, account?.password || DUMMY_PASSWORD_HASH);
      const accepted =
        account !== null &&
        Boolean(account.password) &&
        passwordOk &&
        !account.blocked &&
        (await emailProviderEnabled()) &&
        (account.confirmed || !(await emailConfirmationRequired()));
      if (!accepted) {
        await throttle.recordFailure('authUsers', budget);
        throw new errors.ForbiddenError('Invalid login or password');
      }
      await throttle.reset('authUsers', budget);
      const { user_id, name } = toChatUser(account, { settings: { profileUrlTemplate: '', shareEmail: false }, baseUrl: '' });
      return { user_id, name };
    },
  };
};

export default siteAuthService;
