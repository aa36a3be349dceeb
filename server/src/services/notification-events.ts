import type { Core } from '@strapi/strapi';
import { siteUsers } from '../repositories/site-users';
import { getService } from '../utils/get-service';
import type { NotificationMessage } from '../validation/notification-request';

/** The Strapi webhook event every notification is emitted as (Settings → Webhooks, or the admin's webhooks API). */
export const NOTIFICATION_EVENT = 'imbachat.notification';
/** Its key in Strapi's list of allowed webhook events. */
export const NOTIFICATION_EVENT_KEY = 'IMBACHAT_NOTIFICATION';

/** What a webhook receives besides Strapi's own `event` and `createdAt`. */
export interface NotificationEvent {
  /** The site user: the id the chat server sent, or the user whose address `email_to` is (null when none is). */
  user_id: number | null;
  title: string;
  body: string;
}

/**
 * Every notification the chat server sends, emitted on Strapi's event hub so that a webhook can
 * forward it to push, SMS or chat tools, whether or not the plugin emails it. Emitted after the
 * answer is sent, so neither its lookup nor the webhooks add to the route's time.
 */
const notificationEventsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const users = siteUsers(strapi);

  /** The address's user as the outbox picks it: the exact address (but for case), a user who may get mail first. */
  const userIdByEmail = async (address: string): Promise<number | null> => {
    const ids = await getService(strapi, 'searchIndex').userIdsByEmail(address);
    if (ids.length === 0) return null;
    const nameField = getService(strapi, 'userFields').plan(await getService(strapi, 'settings').get()).name;
    const asked = address.toLowerCase();
    const candidates = (await users.contactsByIds(ids, nameField)).filter(
      (user) => typeof user.email === 'string' && user.email.trim().toLowerCase() === asked
    );
    return (candidates.find((user) => !user.blocked && user.confirmed) ?? candidates[0])?.id ?? null;
  };

  const emit = async (to: { userId: number } | { emailTo: string }, message: NotificationMessage) => {
    const userId = 'userId' in to ? to.userId : await userIdByEmail(to.emailTo);
    const event: NotificationEvent = { user_id: userId, title: message.title, body: message.body };
    await strapi.eventHub.emit(NOTIFICATION_EVENT, event);
  };

  return {
    /** Emits the notification on the next turn of the event loop; a failure is logged, never thrown. */
    announce(to: { userId: number } | { emailTo: string }, message: NotificationMessage) {
      setImmediate(() => {
        emit(to, message).catch((error: Error) => strapi.log.warn(`[imbachat] The ${NOTIFICATION_EVENT} event was not emitted: ${error.message}`));
      });
    },
  };
};

export default notificationEventsService;
