import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { TestEmailResult } from '../../../contract';
import { getService } from './get-service';
import { providerSecrets, shownFailure } from '../utils/mail-failure';
import { notificationEmail } from '../utils/notify-template';
import { emailSiteUrl } from './site-address';
import { isMailbox } from '../validation/notification-request';

/** One test email per admin per this time (per instance): a button, not a way to flood a mailbox. */
const TEST_EMAIL_EVERY_MS = 10_000;
/** A provider that has not answered by then (sendmail with no mail server, say) has failed. */
const SEND_TIMEOUT_MS = 20_000;

/** The signed-in admin, as Strapi's admin authentication gives it (`ctx.state.user`). */
export interface AdminUser {
  id: number;
  email: string;
  firstname?: string | null;
  username?: string | null;
}

const TEMPLATES = {
  notifySubject: 'ImbaChat: test email',
  notifyText:
    'Hello {name},\n\nThis is a test email from the ImbaChat plugin of your Strapi site, sent through Strapi\'s email provider as ' +
    'the emails about missed chat messages are. It arrived, so they can too.\n\n{siteUrl}',
};

/**
 * Settings → ImbaChat → Notifications' "Send a test email": one email, through Strapi's email
 * plugin as notifications go, to the signed-in admin's own address (never one the request names).
 */
const testEmailService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Admin id → when their last test email was asked for. */
  const askedAt = new Map<number, number>();

  /** Strapi's email provider in use (`plugin::email.provider`), or null without the email plugin. */
  const providerName = (): string | null => {
    if (!strapi.plugin('email')) return null;
    return String(strapi.config.get('plugin::email.provider', 'sendmail') ?? 'sendmail');
  };

  const remember = (adminId: number, now: number) => {
    for (const [id, at] of askedAt) {
      if (now - at < TEST_EMAIL_EVERY_MS && askedAt.size < 1000) break;
      askedAt.delete(id);
    }
    askedAt.delete(adminId);
    askedAt.set(adminId, now);
  };

  return {
    providerName,

    /** Sends the test email; RateLimitError (details.retryAfter, seconds) when this admin asked less than 10 s ago. */
    async send(admin: AdminUser, now = Date.now()): Promise<TestEmailResult> {
      const last = askedAt.get(admin.id);
      if (last !== undefined && now - last < TEST_EMAIL_EVERY_MS) {
        const retryAfter = Math.max(1, Math.ceil((last + TEST_EMAIL_EVERY_MS - now) / 1000));
        throw new errors.RateLimitError('A test email was sent a moment ago: try again in a few seconds', { retryAfter });
      }
      remember(admin.id, now);

      const to = String(admin.email ?? '').trim();
      const provider = providerName();
      if (provider === null) return { ok: false, to, provider: '', error: "Strapi's email plugin is not installed or is disabled" };
      if (!isMailbox(to)) return { ok: false, to, provider, error: 'Your admin account has no usable email address' };

      const settings = await getService(strapi, 'settings').get();
      const name = String(admin.firstname || admin.username || '').trim() || to;
      const email = notificationEmail(TEMPLATES, { name, title: '', body: '', siteUrl: emailSiteUrl(strapi, settings) });
      let timer: NodeJS.Timeout | undefined;
      try {
        const mailer = strapi.plugin('email').service('email') as { send(options: object): Promise<unknown> };
        await Promise.race([
          mailer.send({ to, ...email }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`the provider did not answer within ${SEND_TIMEOUT_MS / 1000} s`)), SEND_TIMEOUT_MS);
          }),
        ]);
        return { ok: true, to, provider };
      } catch (error) {
        const secrets = providerSecrets(strapi.config.get('plugin::email.providerOptions'));
        return { ok: false, to, provider, error: shownFailure(error, [to, email.text], secrets) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
};

export default testEmailService;
