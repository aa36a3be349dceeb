import type { Core } from '@strapi/strapi';
import { ensureOwnTable } from './own-table';

/**
 * The plugin's own table of notification emails per user (`notifyByEmail`; README: "What the plugin
 * adds to your database"): when the last one was sent, and how many were not sent since.
 */
export const NOTIFY_TABLE = 'imbachat_notify';

/** Rows untouched for longer than the longest window (NOTIFY_EVERY_MINUTES.max) say nothing any more. */
const KEEP_MS = 24 * 60 * 60 * 1000;

export type NotifyClaim = { claimed: true; sentAt: number } | { claimed: false; sentAt: number; skipped: number };

/**
 * One email per user per window, whichever instance is asked: the claim is one conditional UPDATE,
 * which the database runs for one request at a time per row, so of two instances asking at once
 * exactly one gets the row.
 */
export const notifyTable = (strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const rows = () => knex()(NOTIFY_TABLE);

  /** One more notification not emailed, and the count it makes, in one statement: each caller gets its own number. */
  const countSkipped = async (userId: number): Promise<{ skipped: number; sentAt: number } | null> => {
    if (strapi.db.dialect.client === 'mysql') {
      // No RETURNING: LAST_INSERT_ID(expr) hands this connection the value the row was given.
      const [result] = (await knex().raw('UPDATE ?? SET skipped = LAST_INSERT_ID(skipped + 1) WHERE user_id = ?', [NOTIFY_TABLE, userId])) as [
        { affectedRows: number; insertId: number },
      ];
      if (result.affectedRows === 0) return null;
      const row = (await rows().select('sent_at').where('user_id', userId).first()) as { sent_at: number | string } | undefined;
      return { skipped: Number(result.insertId), sentAt: Number(row?.sent_at ?? 0) };
    }
    const result = await knex().raw('UPDATE ?? SET skipped = skipped + 1 WHERE user_id = ? RETURNING skipped, sent_at', [NOTIFY_TABLE, userId]);
    const [row] = (Array.isArray(result) ? result : result.rows) as { skipped: number | string; sent_at: number | string }[];
    return row ? { skipped: Number(row.skipped), sentAt: Number(row.sent_at) } : null;
  };

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    ensure: () =>
      ensureOwnTable(knex(), NOTIFY_TABLE, (table) => {
        table.integer('user_id').primary();
        // Unix milliseconds of the last email sent (0: none yet); the window runs from there.
        table.bigInteger('sent_at').notNullable();
        // Notifications for this user not emailed since then.
        table.integer('skipped').notNullable();
      }),

    /**
     * Takes the user's window when the last email is at least `windowMs` old (the caller then sends);
     * otherwise counts one more skipped notification and answers the count.
     */
    async claim(userId: number, windowMs: number, now: number): Promise<NotifyClaim> {
      // Twice at most: the sweep below may delete an old row between two of these statements.
      for (let attempt = 0; ; attempt += 1) {
        await rows().insert({ user_id: userId, sent_at: 0, skipped: 0 }).onConflict('user_id').ignore();
        const taken = await rows()
          .where('user_id', userId)
          .andWhere('sent_at', '<=', now - windowMs)
          .update({ sent_at: now, skipped: 0 });
        if (Number(taken) > 0) return { claimed: true, sentAt: now };
        const row = await countSkipped(userId);
        if (row || attempt > 0) return { claimed: false, sentAt: row?.sentAt ?? now, skipped: row?.skipped ?? 1 };
      }
    },

    /** Gives back a window whose email was not sent (the provider failed): the next notification may try. */
    async release(userId: number, sentAt: number) {
      await rows().where({ user_id: userId, sent_at: sentAt }).update({ sent_at: 0 });
    },

    /** Drops rows no window can still need. */
    async removeExpired(now: number) {
      await rows().where('sent_at', '<', now - KEEP_MS).delete();
    },
  };
};

export type NotifyTable = ReturnType<typeof notifyTable>;
