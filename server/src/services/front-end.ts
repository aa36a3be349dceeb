import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ChatToken, DialogToken, GuestsOff, Settings, WidgetInfo } from '../../../contract';
import { getService } from './get-service';
import { signingProblem } from './settings';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * 503: the widget is not configured yet. @strapi/utils has no such error; each edge answers it as
 * Strapi answers `ctx.serviceUnavailable` (REST: the 503 body; GraphQL: name ServiceUnavailableError).
 */
export class NotConfiguredError extends errors.ApplicationError<'ServiceUnavailableError'> {
  constructor(message: string) {
    super(message, {});
    this.name = 'ServiceUnavailableError';
  }
}

/** The logged-in user and the settings a token is signed with. */
export interface Signer {
  userId: number;
  settings: Settings;
}

/** Seconds a RateLimitError asks the caller to wait (the `Retry-After` header), if it says. */
export const retryAfterOf = (error: unknown): number | undefined => {
  const retryAfter = (error as { details?: { retryAfter?: unknown } }).details?.retryAfter;
  return error instanceof errors.RateLimitError && typeof retryAfter === 'number' ? retryAfter : undefined;
};

/**
 * What the site's own front end asks for, whatever the way in (REST or GraphQL): the widget's
 * address, a chat token, a dialog token. Takes the request's Authorization header as it came;
 * throws Strapi's errors (and NotConfiguredError); knows nothing of HTTP.
 */
const frontEndService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The site user behind a users-permissions JWT: UnauthorizedError or ForbiddenError otherwise. */
  const loggedInUser = async (authorization: string | undefined) => {
    const accessToken = BEARER.exec(authorization ?? '')?.[1];
    if (!accessToken) throw new errors.UnauthorizedError('Log in first: send the user\'s JWT as "Authorization: Bearer <jwt>"');
    return getService(strapi, 'siteAuth').userIdFromAccessToken(accessToken);
  };

  /** The user first (401/403), then the settings (503 while the widget id or the secret is missing). */
  const signer = async (authorization: string | undefined): Promise<Signer> => {
    const userId = await loggedInUser(authorization);
    const snapshot = await getService(strapi, 'settings').snapshot();
    const problem = signingProblem(snapshot);
    if (problem) throw new NotConfiguredError(problem);
    return { userId, settings: snapshot.settings };
  };

  return {
    signer,

    /** The widget for visitors who are not logged in; guests off is an answer, not an error. */
    async widget(): Promise<WidgetInfo | GuestsOff> {
      const settings = await getService(strapi, 'settings').get();
      if (!settings.guests) return { guests: false };
      if (!settings.widgetId) throw new NotConfiguredError('ImbaChat is not configured: set the widget ID');
      return getService(strapi, 'chatToken').widgetInfo(settings);
    },

    /** A chat token for the user behind the Authorization header. */
    async chatToken(authorization: string | undefined): Promise<ChatToken> {
      const { userId, settings } = await signer(authorization);
      const answer = getService(strapi, 'chatToken').issue(userId, settings);
      // After the answer is ready; the write itself waits for the next turn of the event loop.
      if (settings.trackLastSeen) getService(strapi, 'lastSeen').record(userId);
      return answer;
    },

    /** A dialog token from the signer to `userId` (validated by the caller): see dialogToken.issue for its refusals. */
    dialogToken({ userId: initiator, settings }: Signer, userId: number): Promise<DialogToken> {
      return getService(strapi, 'dialogToken').issue(initiator, userId, settings);
    },
  };
};

export default frontEndService;
