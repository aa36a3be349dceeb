import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import jwt from 'jsonwebtoken';
import { secretKeyObject } from './chat-token';
import { siteUsers } from '../repositories/site-users';
import { getService } from './get-service';
import { chatNameOf, type ChatUser } from '../utils/chat-user';
import type { NameSource } from '../site-user';

// A bcrypt hash of a random, discarded password: checking against it costs what a real check costs,
// so an unknown login takes as long to refuse as a wrong password.
const DUMMY_PASSWORD_HASH = '$2a$10$Fn7jv1Lxcgh3fFn2bqnJxOphLKKO4CXgLzTPRPPRJwERbD4X4sQbG';

/** How long, and for how many tokens, a verified access token is remembered. */
const VERIFIED_FOR_MS = 60_000;
const VERIFIED_MAX = 10_000;

/**
 * One budget per person however the login is typed: case, compatibility forms and accents folded
 * (MariaDB's collations already find `álice` as alice; elsewhere it is counted with her).
 */
const normaliseLogin = (login: string) =>
  login.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * Who a site user is, judged as users-permissions judges it: its JWT for the front-end routes, its
 * login and password for the chat server's login check. Throws Strapi's errors; knows nothing of HTTP.
 */
const siteAuthService = ({ strapi }: { strapi: Core.Strapi }) => {
  const repository = siteUsers(strapi);
  const usersPermissionsConfig = (key: string) => strapi.config.get(`plugin::users-permissions.${key}`) as unknown;
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
    const secret = usersPermissionsConfig('jwtSecret');
    const algorithm = (usersPermissionsConfig('jwt') as { algorithm?: jwt.Algorithm } | undefined)?.algorithm ?? 'HS256';
    // Refresh mode keeps sessions that can be revoked: only users-permissions can judge those, every time.
    if (usersPermissionsConfig('jwtManagement') === 'refresh' || typeof secret !== 'string' || !algorithm.startsWith('HS')) {
      return strapi.plugin('users-permissions').service('jwt').verify(accessToken);
    }
    const now = Date.now();
    const known = verified.get(accessToken);
    if (known && known.until > now && known.secret === secret) return { id: known.id };
    const payload = jwt.verify(accessToken, secretKeyObject(secret), { algorithms: [algorithm] }) as { id?: unknown; exp?: unknown };
    remember(accessToken, { id: payload.id, secret, until: Math.min(now + VERIFIED_FOR_MS, typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity) });
    return payload;
  };

  /**
   * Legacy-mode tokens verified lately, by their exact text: a front end asks for chat tokens with
   * the same access token again and again, and its signature need not be checked each time. Kept
   * no longer than a minute nor past the token's expiry; the account's state is read every time.
   */
  const verified = new Map<string, { id: unknown; secret: string; until: number }>();
  const remember = (accessToken: string, entry: { id: unknown; secret: string; until: number }) => {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(accessToken, entry);
  };

  return {
    /** users-permissions' "Enable email confirmation" (Advanced settings): off, `confirmed` says nothing of an address. */
    emailConfirmationRequired,

    /** The id of the site user behind a users-permissions access token; UnauthorizedError or ForbiddenError otherwise. */
    async userIdFromAccessToken(accessToken: string): Promise<number> {
      const invalid = () => new errors.UnauthorizedError('Invalid or expired token');
      const payload = await verifyAccessToken(accessToken).catch(() => {
        throw invalid();
      });
      const id = Number(payload?.id);
      if (!Number.isSafeInteger(id) || id < 1) throw invalid();
      const account = await repository.accountState(id);
      if (!account) throw invalid();
      if (account.blocked) throw new errors.ForbiddenError('Your account has been blocked');
      if (!account.confirmed && (await emailConfirmationRequired())) {
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
    async checkLogin(login: string, password: string, names: NameSource): Promise<Pick<ChatUser, 'user_id' | 'name'>> {
      const account = await repository.localAccount(login, names);
      const throttle = getService(strapi, 'throttle');
      const budget = normaliseLogin(account?.username ?? login);
      const retryAfter = await throttle.lockedOutFor('authUsers', budget);
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
        // What the admin's status shows if this locks the login out: the account, or the login tried.
        const subject = account ? `${Array.from(account.username).slice(0, 200).join('')} (#${account.id})` : login.trim();
        await throttle.recordFailure('authUsers', budget, Date.now(), subject);
        throw new errors.ForbiddenError('Invalid login or password');
      }
      await throttle.reset('authUsers', budget);
      return { user_id: account.id, name: chatNameOf(account, names.nameTemplate) };
    },
  };
};

export default siteAuthService;
