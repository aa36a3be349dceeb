import type { Core } from '@strapi/strapi';
import type { Settings } from '../../../contract';
import { MAX_ROW_ID } from '../constants';
import { notifyTable } from '../repositories/notify-table';
import { siteUsers } from '../repositories/site-users';
import { getService } from './get-service';
import type { NotificationMessage } from '../validation/notification-request';
import type { Delivery, NotSentReason } from './outbox';

export { OutboxFull, type NotSentReason } from './outbox';

/** What a notification by `user_id` did. */
export type NotifyResult =
  | { sent: true }
  | {
      sent: false;
      reason: NotSentReason;
      /** rate-limited: notifications not emailed in this window, this one included. */
      skipped?: number;
      /** rate-limited: seconds until the user's next email may go. */
      retry_after?: number;
    }
  | {
      /** In the outbox: tried again in `retry_after` seconds (the provider failed for now, or the site's minute is used up). */
      sent: false;
      queued: true;
      reason: 'provider-failed' | 'site-limit';
      retry_after: number;
    };

/** What a notification by `email_to` answers: the same whoever the address belongs to, whatever became of earlier ones. */
export type NotifyAccepted = { accepted: true };

const NOTIFICATIONS_OFF: NotifyResult = Object.freeze({ sent: false, reason: 'notifications-off' });
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

const resultOf = (delivery: Delivery): NotifyResult => {
  if (delivery.outcome === 'sent') return { sent: true };
  if (delivery.outcome === 'queued') return { sent: false, queued: true, reason: delivery.reason, retry_after: seconds(delivery.retryAfterMs) };
  const result: NotifyResult = { sent: false, reason: delivery.reason };
  if (delivery.skipped !== undefined) result.skipped = delivery.skipped;
  if (delivery.retryAfterMs !== undefined) result.retry_after = seconds(delivery.retryAfterMs);
  return result;
};

/**
 * The notifications route's logic (`notifyByEmail`): a notification is judged, written to the
 * outbox before it is answered, and emailed by the outbox (services/outbox.ts) through Strapi's email
 * plugin to a site user who is not blocked and is confirmed, at most one per user per
 * `notifyEveryMinutes` and `notifyMaxPerMinute` for the whole site. Knows nothing of HTTP.
 */
const notificationsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const windows = notifyTable(strapi);
  const users = siteUsers(strapi);
  const outbox = () => getService(strapi, 'outbox');
  const namesOf = (settings: Settings) => getService(strapi, 'userFields').attributesFor(settings);

  const service = {
    /**
     * Notifies a site user by id, and says whether the email went, is queued for a retry, and why
     * not. Throws OutboxFull.
     */
    async notifyUser(userId: number, message: NotificationMessage, settings: Settings): Promise<NotifyResult> {
      if (!settings.notifyByEmail) return NOTIFICATIONS_OFF;
      const [user] = userId > MAX_ROW_ID ? [] : await users.contactsByIds([userId], namesOf(settings));
      if (!user) return { sent: false, reason: 'unknown-user' };
      if (user.blocked) return { sent: false, reason: 'blocked' };
      if (!user.confirmed) return { sent: false, reason: 'unconfirmed' };
      if (typeof user.email !== 'string' || user.email.trim() === '') return { sent: false, reason: 'no-email' };

      const claim = await windows.claim(user.id, settings.notifyEveryMinutes * 60_000);
      if (!claim.claimed) return { sent: false, reason: 'rate-limited', skipped: claim.skipped, retry_after: seconds(claim.remainingMs) };
      let row;
      try {
        row = await outbox().accept({ userId: user.id, title: message.title, body: message.body, windowSentAt: claim.sentAt });
      } catch (error) {
        await windows.release(user.id, claim.sentAt).catch(() => undefined);
        throw error;
      }
      return resultOf(await outbox().deliverNow(row));
    },

    /**
     * Notifies the site user an address belongs to. Written to the outbox and answered at once, the
     * same whether it is a user's, a blocked user's or nobody's, and whatever became of earlier ones;
     * the lookup and the email follow the answer, so its timing tells nothing either. Throws
     * OutboxFull (which says nothing of the address either).
     */
    async notifyAddress(address: string, message: NotificationMessage, settings: Settings): Promise<NotifyAccepted | NotifyResult> {
      if (!settings.notifyByEmail) return NOTIFICATIONS_OFF;
      const row = await outbox().accept({ emailTo: address, title: message.title, body: message.body });
      outbox().deliverAfterAnswer(row);
      return { accepted: true };
    },

    /** Resolves when the notifications this instance works on are done with (sent, refused or queued), or after `timeoutMs`. */
    idle: (timeoutMs?: number) => outbox().idle(timeoutMs),
  };

  // Every notification answered is also the webhook event `imbachat.notification`, email on or off.
  const events = () => getService(strapi, 'notificationEvents');
  return {
    ...service,
    async notifyUser(...args: Parameters<typeof service.notifyUser>) {
      const result = await service.notifyUser(...args);
      events().announce({ userId: args[0] }, args[1]);
      return result;
    },
    async notifyAddress(...args: Parameters<typeof service.notifyAddress>) {
      const result = await service.notifyAddress(...args);
      events().announce({ emailTo: args[0] }, args[1]);
      return result;
    },
  };
};

export default notificationsService;
export type NotificationsService = ReturnType<typeof notificationsService>;
