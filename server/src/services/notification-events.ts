import type { Core } from '@strapi/strapi';
import { getService } from './get-service';
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
  const emit = async (to: { userId: number } | { emailTo: string }, message: NotificationMessage) => {
    const userId = 'userId' in to ? to.userId : (await getService(strapi, 'outbox').userByEmail(to.emailTo))?.id ?? null;
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
