import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { dbNowMs } from './db-clock';
import { dialectOf, perStrapi, rawRows } from './sql';
import { ensureOwnTable } from './own-table';

/**
 * The plugin's own tables of notification emails sent (`notifyByEmail`; README: "What the plugin
 * adds to your database"): per user, when the last one was sent and how many were not sent since;
 * for the whole site, how many were sent in each minute. Every time is the database's.
 */
export const NOTIFY_TABLE = 'imbachat_notify';
const NOTIFY_MINUTE_TABLE = 'imbachat_notify_minute';

/** Rows untouched for longer than the longest window (NOTIFY_EVERY_MINUTES.max) say nothing any more. */
const KEEP_MS = 24 * 60 * 60 * 1000;

export type NotifyClaim =
  | { claimed: true; sentAt: number }
  | { claimed: false; skipped: number; /** Milliseconds until the user's window ends. */ remainingMs: number };

/** The whole site's budget for this minute: taken, or how long until the next minute. */
export type MinuteBudget = { taken: true } | { taken: false; nextMinuteInMs: number };

type Numeric = number | string;

/**
 * One email per user per window, whichever instance is asked: the claim is one conditional UPDATE,
 * which the database runs for one request at a time per row, so of two instances asking at once
 * exactly one gets the row.
 */
export const notifyTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const rows = () => knex()(NOTIFY_TABLE);
  const mysql = () => dialectOf(strapi) === 'mysql';
  const now = () => dbNowMs(strapi);

  /** One more notification not emailed, and the count it makes, in one statement: each caller gets its own number. */
  const countSkipped = async (db: Knex, userId: number, windowMs: number): Promise<{ skipped: number; remainingMs: number } | null> => {
    type Row = { skipped: Numeric; sent_at: Numeric; now: Numeric };
    const left = (row: Row) => Math.max(0, Number(row.sent_at) + windowMs - Number(row.now));
    if (mysql()) {
      // No RETURNING: LAST_INSERT_ID(expr) hands this connection the value the row was given.
      const [result] = (await db.raw('UPDATE ?? SET skipped = LAST_INSERT_ID(skipped + 1) WHERE user_id = ?', [NOTIFY_TABLE, userId])) as [
        { affectedRows: number; insertId: number },
      ];
      if (result.affectedRows === 0) return null;
      const [row] = rawRows<Row>(strapi, await db.raw(`SELECT skipped, sent_at, ${now()} AS now FROM ?? WHERE user_id = ?`, [NOTIFY_TABLE, userId]));
      return { skipped: Number(result.insertId), remainingMs: row ? left(row) : windowMs };
    }
    const [row] = rawRows<Row>(
      strapi,
      await db.raw(`UPDATE ?? SET skipped = skipped + 1 WHERE user_id = ? RETURNING skipped, sent_at, ${now()} AS now`, [NOTIFY_TABLE, userId])
    );
    return row ? { skipped: Number(row.skipped), remainingMs: left(row) } : null;
  };

  /** Takes one of this minute's `max` site-wide emails: one statement that only counts while under it. */
  const takeMinute = async (max: number): Promise<boolean> => {
    const minute = `FLOOR(${now()} / 60000)`;
    if (mysql()) {
      // Two statements: MySQL's upsert cannot say whether its update changed the row.
      await knex().raw(`INSERT IGNORE INTO ?? (minute, sent) VALUES (${minute}, 0)`, [NOTIFY_MINUTE_TABLE]);
      const [result] = (await knex().raw(`UPDATE ?? SET sent = sent + 1 WHERE minute = ${minute} AND sent < ?`, [NOTIFY_MINUTE_TABLE, max])) as [
        { affectedRows: number },
      ];
      return result.affectedRows > 0;
    }
    const taken = rawRows(
      strapi,
      await knex().raw(
        `INSERT INTO ?? (minute, sent) VALUES (${minute}, 1) ON CONFLICT (minute) DO UPDATE SET sent = ??.sent + 1 WHERE ??.sent < ? RETURNING sent`,
        [NOTIFY_MINUTE_TABLE, NOTIFY_MINUTE_TABLE, NOTIFY_MINUTE_TABLE, max]
      )
    );
    return taken.length > 0;
  };

  return {
    /** Creates the tables when they are missing; safe when several instances start at once. */
    async ensure() {
      await ensureOwnTable(knex(), NOTIFY_TABLE, (table) => {
        table.integer('user_id').primary();
        // Unix milliseconds (the database's) of the last email sent (0: none yet); the window runs from there.
        table.bigInteger('sent_at').notNullable();
        // Notifications for this user not emailed since then.
        table.integer('skipped').notNullable();
      });
      await ensureOwnTable(knex(), NOTIFY_MINUTE_TABLE, (table) => {
        // Unix minutes (the database's); emails the whole site sent in it.
        table.bigInteger('minute').primary();
        table.integer('sent').notNullable();
      });
    },

    /**
     * Takes the user's window when the last email is at least `windowMs` old (the caller then sends);
     * otherwise counts one more skipped notification and answers the count.
     */
    async claim(userId: number, windowMs: number, db: Knex = knex()): Promise<NotifyClaim> {
      // Twice at most: the sweep below may delete an old row between two of these statements.
      for (let attempt = 0; ; attempt += 1) {
        await db(NOTIFY_TABLE).insert({ user_id: userId, sent_at: 0, skipped: 0 }).onConflict('user_id').ignore();
        type Row = { sent_at: Numeric };
        const update = `UPDATE ?? SET sent_at = ${now()}, skipped = 0 WHERE user_id = ? AND sent_at <= ${now()} - ?`;
        if (mysql()) {
          const [result] = (await db.raw(update, [NOTIFY_TABLE, userId, windowMs])) as [{ affectedRows: number }];
          if (result.affectedRows > 0) {
            const row = (await db(NOTIFY_TABLE).select('sent_at').where('user_id', userId).first()) as Row;
            return { claimed: true, sentAt: Number(row.sent_at) };
          }
        } else {
          const [row] = rawRows<Row>(strapi, await db.raw(`${update} RETURNING sent_at`, [NOTIFY_TABLE, userId, windowMs]));
          if (row) return { claimed: true, sentAt: Number(row.sent_at) };
        }
        const counted = await countSkipped(db, userId, windowMs);
        if (counted || attempt > 0) return { claimed: false, skipped: counted?.skipped ?? 1, remainingMs: counted?.remainingMs ?? windowMs };
      }
    },

    /** Gives back a window whose email was not sent (refused): the next notification may try. */
    async release(userId: number, sentAt: number) {
      await rows().where({ user_id: userId, sent_at: sentAt }).update({ sent_at: 0 });
    },

    /** One of the whole site's `max` emails this minute, or how long until the next minute begins. */
    async takeSiteBudget(max: number): Promise<MinuteBudget> {
      if (await takeMinute(max)) return { taken: true };
      const [row] = rawRows<{ now: Numeric }>(strapi, await knex().raw(`SELECT ${now()} AS now`));
      return { taken: false, nextMinuteInMs: 60_000 - (Number(row.now) % 60_000) };
    },

    /** Drops rows no window can still need. */
    async removeExpired() {
      await rows().whereRaw(`sent_at < ${now()} - ?`, [KEEP_MS]).delete();
      await knex()(NOTIFY_MINUTE_TABLE).whereRaw(`minute < FLOOR(${now()} / 60000) - 1`).delete();
    },
  };
});

export type NotifyTable = ReturnType<typeof notifyTable>;
