import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Settings } from '../../../contract';
import type { PluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import { notifyTable } from '../repositories/notify-table';
import { outboxTable, type NewOutboxRow, type OutboxRow } from '../repositories/outbox-table';
import { siteUsers } from '../repositories/site-users';
import type { SiteUser } from '../site-user';
import { chatNameOf } from '../utils/chat-user';
import { getService } from './get-service';
import { logEvery } from '../utils/log-every';
import { classifyMailFailure, loggableFailure, retryDelayMs } from '../utils/mail-failure';
import { notificationEmail } from '../utils/notify-template';
import { emailSiteUrl } from './site-address';
import { isMailbox } from '../validation/notification-request';

/** Why a notification is not emailed, and never will be. */
export type NotSentReason = 'notifications-off' | 'unknown-user' | 'blocked' | 'unconfirmed' | 'no-email' | 'rate-limited' | 'refused' | 'given-up';

/** What became of a notification the outbox worked on. */
export type Delivery =
  | { outcome: 'sent' }
  | { outcome: 'not-sent'; reason: NotSentReason; skipped?: number; retryAfterMs?: number }
  /** Still in the outbox: the provider failed for now, or the site's minute is used up. */
  | { outcome: 'queued'; reason: 'provider-failed' | 'site-limit'; retryAfterMs: number };

/** The outbox holds `outboxMax` notifications: a new one is refused until some are sent. */
export class OutboxFull extends Error {
  constructor() {
    super('Too many notifications are waiting to be emailed: try again later');
    this.name = 'OutboxFull';
  }
}

/** A row is this instance's for this long; a send that has not ended by then may be taken over. */
const LEASE_MS = 2 * 60_000;
/** A provider that has not answered by then counts as failed for now (its row waits out the lease). */
const SEND_TIMEOUT_MS = 60_000;
/** Temporary failures are retried for a day after the notification was accepted. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;
/** How often each instance looks for due rows (others' retries, a dead instance's rows). */
const POLL_MS = 5000;
const ROWS_PER_PASS = 20;
/** The shared tables' old rows are cleared by one instance at most this often. */
const SWEEP_EVERY_MS = 60 * 60_000;
/** How long Strapi's shutdown waits for sends in progress. */
const DRAIN_MS = 5000;

/** The provider had not answered in time: the send may still end, so the row waits out its lease. */
class ProviderTimeout extends Error {
  constructor() {
    super(`the provider did not answer within ${SEND_TIMEOUT_MS / 1000} s`);
  }
}

/** The work, or ProviderTimeout after `ms`. */
const withinTime = async <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProviderTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The outbox's worker: every accepted notification is a row of `imbachat_outbox`; any instance
 * leases due rows, judges the user again (blocked, confirmed, address, the user's window, the site's
 * minute), sends through Strapi's email plugin and removes the row, or schedules it again. Knows
 * nothing of HTTP.
 */
const outboxService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = outboxTable(strapi);
  const windows = notifyTable(strapi);
  const users = siteUsers(strapi);
  const owner = randomUUID();
  const report = logEvery((message) => strapi.log.warn(message), 60_000);
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;
  /** Rows this instance is working on, by id. */
  const working = new Map<number, Promise<Delivery>>();
  let timer: NodeJS.Timeout | undefined;
  /** The look for due rows under way, and the one asked for since it began (at most one waits). */
  let passing: Promise<void> | undefined;
  let nextPass: Promise<void> | undefined;
  let sweptAt = 0;
  let stopped = false;

  const namesOf = (settings: Settings) => getService(strapi, 'userFields').attributesFor(settings);

  /** The site user whose address this is, through the plugin's index (never a scan of the users table). */
  const userByEmail = async (address: string, settings: Settings): Promise<SiteUser | null> => {
    const ids = await getService(strapi, 'searchIndex').userIdsByEmail(address);
    if (ids.length === 0) return null;
    const asked = address.toLowerCase();
    // The address exactly, but for case (the index folds more than case).
    const candidates = (await users.contactsByIds(ids, namesOf(settings))).filter(
      (user) => typeof user.email === 'string' && user.email.trim().toLowerCase() === asked
    );
    // An address two accounts share is that mailbox's: it gets mail while one of them may.
    return candidates.find((user) => !user.blocked && user.confirmed) ?? candidates[0] ?? null;
  };

  /** The site user the row is for: by id, or by address. */
  const recipientOf = async (row: OutboxRow, settings: Settings): Promise<SiteUser | null> =>
    row.userId !== null
      ? ((await users.contactsByIds([row.userId], namesOf(settings)))[0] ?? null)
      : userByEmail(row.emailTo ?? '', settings);

  /** Why this user gets no email at all, or null. */
  const refusal = (user: SiteUser | null): NotSentReason | null => {
    if (!user) return 'unknown-user';
    if (user.blocked) return 'blocked';
    if (!user.confirmed) return 'unconfirmed';
    return isMailbox(typeof user.email === 'string' ? user.email.trim() : '') ? null : 'no-email';
  };

  /** Links come from configuration only: `siteUrl`, else an absolute `server.url`; otherwise none. */
  const siteUrlOf = (settings: Settings) => emailSiteUrl(strapi, settings);

  const send = async (mail: object) => {
    const email = strapi.plugin('email')?.service('email') as { send(options: object): Promise<unknown> } | undefined;
    if (!email) throw new Error("Strapi's email plugin is not installed");
    await withinTime(email.send(mail), SEND_TIMEOUT_MS);
  };

  const giveBackWindow = (userId: number | null, sentAt: number | null) =>
    userId !== null && sentAt !== null ? windows.release(userId, sentAt).catch(() => undefined) : undefined;

  /** Works on one leased row to its end for now: sent, not sent (and why), or queued again. */
  const deliver = async (row: OutboxRow): Promise<Delivery> => {
    const settings = await getService(strapi, 'settings').get();
    const done = async (reason: NotSentReason, extra: { skipped?: number; retryAfterMs?: number } = {}): Promise<Delivery> => {
      await table.remove(row.id, owner);
      return { outcome: 'not-sent', reason, ...extra };
    };
    if (!settings.notifyByEmail) return done('notifications-off');

    const user = await recipientOf(row, settings);
    const why = refusal(user);
    if (why || !user) {
      await giveBackWindow(row.userId, row.windowSentAt);
      return done(why ?? 'unknown-user');
    }
    let windowSentAt = row.windowSentAt;
    if (windowSentAt === null) {
      // The claim and its record on the row in one transaction: a crash right after leaves neither, so
      // the instance that takes the row over claims the window again rather than finding it taken.
      const claim = await strapi.db.connection.transaction(async (trx) => {
        const claimed = await windows.claim(user.id, settings.notifyEveryMinutes * 60_000, trx);
        // A lease lost meanwhile (another instance has the row): the claim is undone with the transaction.
        if (claimed.claimed && !(await table.holdWindow(trx, row.id, owner, user.id, claimed.sentAt))) {
          throw new Error('the notification is no longer leased to this instance');
        }
        return claimed;
      });
      if (!claim.claimed) return done('rate-limited', { skipped: claim.skipped, retryAfterMs: Math.max(1000, claim.remainingMs) });
      windowSentAt = claim.sentAt;
    }
    const budget = await windows.takeSiteBudget(settings.notifyMaxPerMinute);
    if (!budget.taken) {
      // Held back, not failed: the row keeps the user's window it holds.
      await table.later(row.id, owner, budget.nextMinuteInMs, { attempted: false, userId: user.id, windowSentAt });
      return { outcome: 'queued', reason: 'site-limit', retryAfterMs: budget.nextMinuteInMs };
    }

    const address = (user.email as string).trim();
    const email = notificationEmail(settings, { name: chatNameOf(user, namesOf(settings).nameTemplate), title: row.title, body: row.body, siteUrl: siteUrlOf(settings) });
    try {
      await send({ to: address, ...email });
    } catch (error) {
      const provider = String(strapi.config.get('plugin::email.provider', 'unknown') ?? 'unknown');
      const failure = `Strapi's email provider (${provider}) failed: ${loggableFailure(error, [row.title, row.body, address, email.subject, email.text])}`;
      const kind = classifyMailFailure(error);
      if (kind === 'permanent' || row.ageMs >= GIVE_UP_AFTER_MS) {
        await giveBackWindow(user.id, windowSentAt);
        // One line per notification ended: the outcome, never its words or address.
        strapi.log.warn(
          `[imbachat] The notification email to user ${user.id} was not sent and will not be tried again: ${failure}` +
            (kind === 'permanent' ? ' (the mail server refused it)' : ' (failing for a day)')
        );
        return done(kind === 'permanent' ? 'refused' : 'given-up');
      }
      const delay = error instanceof ProviderTimeout ? LEASE_MS : retryDelayMs(row.attempts);
      await table.later(row.id, owner, delay, { attempted: true, userId: user.id, windowSentAt });
      report(
        'email-failed-temporarily',
        `The notification email to user ${user.id} was not sent for now: ${failure}; it is tried again in ${Math.round(delay / 1000)} s ` +
          '(failures like this are logged at most once a minute)'
      );
      return { outcome: 'queued', reason: 'provider-failed', retryAfterMs: delay };
    }
    await table.remove(row.id, owner);
    return { outcome: 'sent' };
  };

  /** Works on a row this instance leased; each row once at a time, errors logged (the row waits out its lease). */
  const work = (row: OutboxRow): Promise<Delivery> => {
    const running = working.get(row.id);
    if (running) return running;
    const run = deliver(row).finally(() => working.delete(row.id));
    working.set(row.id, run);
    return run;
  };

  /** One look for due rows: leased, then worked on one after another. */
  const pass = async () => {
    if (stopped) return;
    const rows = await table.leaseDue(owner, LEASE_MS, ROWS_PER_PASS);
    for (const row of rows) {
      if (stopped) break;
      await work(row).catch((error: unknown) => {
        report('outbox-row', `A notification could not be worked on (it is tried again later): ${loggableFailure(error, [row.title, row.body, row.emailTo ?? ''])}`);
      });
    }
    if (Date.now() - sweptAt > SWEEP_EVERY_MS) {
      sweptAt = Date.now();
      await windows.removeExpired().catch(() => undefined);
    }
  };

  return {
    /** The site user an `email_to` address is sent to, as the outbox picks them: a user who may get mail first. */
    async userByEmail(address: string): Promise<SiteUser | null> {
      return userByEmail(address, await getService(strapi, 'settings').get());
    },

    /** Creates the tables and starts looking for due rows (at start-up: rows left by a stop or a crash go first). */
    async prepare() {
      await table.ensure();
      await windows.ensure();
      stopped = false;
      timer ??= setInterval(() => void this.drain(), POLL_MS);
      timer.unref();
      void this.drain();
    },

    /** Writes an accepted notification before it is answered, leased to this instance. Throws OutboxFull. */
    async accept(message: NewOutboxRow): Promise<OutboxRow> {
      if ((await table.size()) >= config().outboxMax) throw new OutboxFull();
      const id = await table.add(message, owner, LEASE_MS);
      return {
        id,
        userId: message.userId ?? null,
        emailTo: message.emailTo ?? null,
        title: message.title,
        body: message.body,
        windowSentAt: message.windowSentAt ?? null,
        attempts: 0,
        ageMs: 0,
      };
    },

    /** Works on an accepted row now and says what became of it. */
    deliverNow: work,

    /** Works on an accepted row once its request has been answered (the answer must not wait for it, nor tell of it). */
    deliverAfterAnswer(row: OutboxRow) {
      setImmediate(() => {
        work(row).catch((error: unknown) => {
          report('outbox-row', `A notification could not be worked on (it is tried again later): ${loggableFailure(error, [row.title, row.body, row.emailTo ?? ''])}`);
        });
      });
    },

    /**
     * Looks for due rows now (the timer does every few seconds); one look at a time. A call made while
     * one is under way gets a look that begins after it, so rows that came due meanwhile are seen.
     */
    drain(): Promise<void> {
      const begin = (): Promise<void> => {
        nextPass = undefined;
        passing = pass()
          .catch((error: unknown) => {
            report('outbox-pass', `The outbox could not be read (tried again in a few seconds): ${loggableFailure(error, [])}`);
          })
          .finally(() => {
            passing = undefined;
          });
        return passing;
      };
      if (!passing) return begin();
      nextPass ??= passing.then(begin);
      return nextPass;
    },

    /** Resolves when the rows this instance works on are done with, or after `timeoutMs`. */
    async idle(timeoutMs = DRAIN_MS) {
      const until = Date.now() + timeoutMs;
      // Work started after the answer is queued with setImmediate: let it start first.
      await new Promise((resolve) => setImmediate(resolve));
      while ((working.size > 0 || passing || nextPass) && Date.now() < until) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...working.values(), passing, nextPass]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, until - Date.now());
          }),
        ]);
        clearTimeout(timer);
      }
    },

    /** At shutdown: no new work; sends in progress get a few seconds; rows leased but not begun are freed for the other instances. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await this.idle();
      await table.releaseAll(owner, [...working.keys()]).catch(() => undefined);
    },
  };
};

export default outboxService;
export type OutboxService = ReturnType<typeof outboxService>;
