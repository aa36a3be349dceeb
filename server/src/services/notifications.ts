import type { Core } from '@strapi/strapi';
import type { Settings } from '../../../contract';
import { MAX_ROW_ID } from '../constants';
import { notifyTable } from '../repositories/notify-table';
import { siteUsers, type SiteUser } from '../repositories/site-users';
import { chatNameOf } from '../utils/chat-user';
import { getService } from '../utils/get-service';
import { logEvery } from '../utils/log-every';
import { notificationEmail, type NotifyEmail } from '../utils/notify-template';
import { isMailbox, type NotificationMessage } from '../validation/notification-request';

export type NotSentReason = 'notifications-off' | 'unknown-user' | 'blocked' | 'no-email' | 'rate-limited';

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
    };

/** What a notification by `email_to` answers: the same whoever the address belongs to. */
export type NotifyAccepted = { accepted: true };

/** The site's email provider failed (logged without the mail's subject, text or address). */
export class EmailNotSent extends Error {
  constructor(message = "The site's email provider could not send the notification email") {
    super(message);
    this.name = 'EmailNotSent';
  }
}

/**
 * After the provider fails, `email_to` notifications answer 502 for this long, whoever the address
 * belongs to, and nothing is tried; then the next one is tried again (after its answer, as always).
 */
export const PROVIDER_FAILING_MS = 60_000;

const OFF: NotifyResult = Object.freeze({ sent: false, reason: 'notifications-off' });
const notSent = (reason: NotSentReason): NotifyResult => ({ sent: false, reason });

/** The shared table's old rows are cleared by one instance at most this often. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** How long Strapi's shutdown waits for emails already accepted. */
const DRAIN_MS = 5000;

/** Anything that looks like an address, wherever a provider or a driver put one in its message. */
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

/**
 * The notifications route's logic (`notifyByEmail`): one email through Strapi's email plugin, with
 * whatever provider the site configured, to a site user who is not blocked, at most one per user
 * per `notifyEveryMinutes` (counted in the plugin's table, shared by every instance). Knows
 * nothing of HTTP.
 */
const notificationsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = notifyTable(strapi);
  const users = siteUsers(strapi);
  const report = logEvery((message) => strapi.log.error(message), 60_000);
  const pending = new Set<Promise<void>>();
  let sweptAt = 0;
  /** When this instance's email provider last failed; a successful send clears it. */
  let providerFailedAt: number | null = null;

  const nameFieldOf = (settings: Settings) => getService(strapi, 'userFields').plan(settings).name;

  /** A failure's message as the log may carry it: no address, none of the mail's words, one short line. */
  const loggable = (message: string, email: NotifyEmail | null, extra: string[]) => {
    let safe = message;
    for (const text of [...extra, ...(email ? [email.subject, email.text] : [])]) {
      if (text.length >= 8) safe = safe.split(text).join('…');
    }
    safe = safe.replace(ADDRESS, '<address>').replace(/\s+/g, ' ').trim();
    return safe.length > 300 ? `${safe.slice(0, 300)}…` : safe;
  };

  const sendEmail = async (mail: NotifyEmail & { to: string }) => {
    const email = strapi.plugin('email')?.service('email') as { send(options: object): Promise<unknown> } | undefined;
    if (!email) throw new Error("Strapi's email plugin is not installed");
    await email.send(mail);
  };

  /** One email to the user unless a rule says no: the answer says which. Throws EmailNotSent. */
  const deliver = async (user: SiteUser | null, message: NotificationMessage, siteUrl: string, settings: Settings, now: number): Promise<NotifyResult> => {
    if (!user) return notSent('unknown-user');
    if (user.blocked) return notSent('blocked');
    const address = typeof user.email === 'string' ? user.email.trim() : '';
    if (!isMailbox(address)) return notSent('no-email');

    const windowMs = settings.notifyEveryMinutes * 60_000;
    const claim = await table.claim(user.id, windowMs, now);
    if (now - sweptAt > SWEEP_EVERY_MS) {
      sweptAt = now;
      table.removeExpired(now).catch(() => undefined);
    }
    if (!claim.claimed) {
      const waitMs = Math.min(windowMs, Math.max(1000, claim.sentAt + windowMs - now));
      return { sent: false, reason: 'rate-limited', skipped: claim.skipped, retry_after: Math.ceil(waitMs / 1000) };
    }

    const email = notificationEmail(settings, { name: chatNameOf(user), title: message.title, body: message.body, siteUrl });
    try {
      await sendEmail({ to: address, ...email });
      providerFailedAt = null;
    } catch (error) {
      providerFailedAt = Date.now();
      // The user got nothing: the next notification may try again.
      await table.release(user.id, claim.sentAt).catch(() => undefined);
      const provider = String(strapi.config.get('plugin::email.provider', 'unknown') ?? 'unknown');
      const why = loggable(error instanceof Error ? error.message : String(error), email, [message.title, message.body, address]);
      report(
        `email ${why}`,
        `The notification email to user ${user.id} was not sent: Strapi's email provider (${provider}) failed: ${why} ` +
          '(each kind of failure is logged at most once a minute)'
      );
      throw new EmailNotSent();
    }
    return { sent: true };
  };

  /** Work done after the answer has gone; Strapi's shutdown waits for it (DRAIN_MS at most). */
  const afterAnswer = (work: () => Promise<void>) => {
    const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof EmailNotSent) return; // logged where it happened
        const why = loggable(error instanceof Error ? error.message : String(error), null, []);
        report(`notify ${why}`, `A notification (email_to) could not be processed: ${why}`);
      })
      .finally(() => pending.delete(run));
    pending.add(run);
  };

  return {
    /** Creates the shared table when missing (at start-up). */
    prepare: () => table.ensure(),

    /** Notifies a site user by id, and says whether the email went and why not. Throws EmailNotSent. */
    async notifyUser(userId: number, message: NotificationMessage, siteUrl: string, settings: Settings, now = Date.now()): Promise<NotifyResult> {
      if (!settings.notifyByEmail) return OFF;
      const user = userId > MAX_ROW_ID ? null : await users.contactById(userId, nameFieldOf(settings));
      return deliver(user, message, siteUrl, settings, now);
    },

    /**
     * Notifies the site user an address belongs to. Answers at once, the same whether it is a
     * user's, a blocked user's or nobody's; the lookup and the email follow the answer, so its
     * timing tells nothing either. Failures are logged (with the user's id, never the address).
     * For a minute after the provider failed it throws EmailNotSent at once, for any address:
     * the answer then says the provider is failing, and still nothing of the address.
     */
    notifyAddress(address: string, message: NotificationMessage, siteUrl: string, settings: Settings): NotifyAccepted | NotifyResult {
      if (!settings.notifyByEmail) return OFF;
      const now = Date.now();
      if (providerFailedAt !== null && now - providerFailedAt < PROVIDER_FAILING_MS) {
        throw new EmailNotSent("The site's email provider is failing: notification emails are not sent for a minute after a failure");
      }
      afterAnswer(async () => {
        // The address exactly, but for case (MySQL's collations would also match "é" to "e").
        const asked = address.toLowerCase();
        const candidates = (await users.contactsByEmail(address, nameFieldOf(settings))).filter(
          (candidate) => typeof candidate.email === 'string' && candidate.email.trim().toLowerCase() === asked
        );
        // An address two accounts share is that mailbox's: it gets mail while one of them may.
        const user = candidates.find((candidate) => !candidate.blocked) ?? candidates[0] ?? null;
        const result = await deliver(user, message, siteUrl, settings, now);
        if (!result.sent) strapi.log.debug(`[imbachat] A notification (email_to) was not emailed: ${result.reason}`);
      });
      return { accepted: true };
    },

    /** Resolves when the emails accepted so far are done with (sent, refused or failed), or after `timeoutMs`. */
    async idle(timeoutMs = DRAIN_MS) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending]), timeout]);
      clearTimeout(timer);
    },
  };
};

export default notificationsService;
export type NotificationsService = ReturnType<typeof notificationsService>;
