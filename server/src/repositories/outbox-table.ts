import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { dbNowMs } from './db-clock';
import { dialectOf, perStrapi, rawRows } from './sql';
import { ensureOwnTable } from './own-table';

/**
 * The plugin's outbox (README: "What the plugin adds to your database"): each accepted notification
 * until it is emailed or given up, so a restart or a crash loses none and any instance can send it.
 * A row is leased to one instance at a time (`lease_owner` until `lease_until`, the database's time),
 * so two instances never work on one row at once.
 */
export const OUTBOX_TABLE = 'imbachat_outbox';
const DUE_INDEX = 'imbachat_outbox_due';

type Numeric = number | string;

export interface OutboxRow {
  id: number;
  /** The site user, when the chat server named one (its window was claimed when it was accepted). */
  userId: number | null;
  /** The address the chat server named instead (looked up when the row is worked on). */
  emailTo: string | null;
  title: string;
  body: string;
  /** The user's window this row holds (`imbachat_notify.sent_at`), to give back on a refusal. */
  windowSentAt: number | null;
  attempts: number;
  /** How long ago it was accepted, by the database's clock. */
  ageMs: number;
}

export interface NewOutboxRow {
  userId?: number;
  emailTo?: string;
  title: string;
  body: string;
  windowSentAt?: number;
}

interface StoredRow {
  id: Numeric;
  user_id: Numeric | null;
  email_to: string | null;
  title: string;
  body: string;
  window_sent_at: Numeric | null;
  attempts: Numeric;
  age: Numeric;
}

const toRow = (row: StoredRow): OutboxRow => ({
  id: Number(row.id),
  userId: row.user_id === null ? null : Number(row.user_id),
  emailTo: row.email_to,
  title: row.title,
  body: row.body,
  windowSentAt: row.window_sent_at === null ? null : Number(row.window_sent_at),
  attempts: Number(row.attempts),
  ageMs: Number(row.age),
});

export const outboxTable = perStrapi((strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const rows = () => knex()(OUTBOX_TABLE);
  const now = () => dbNowMs(strapi);
  const columns = () =>
    `id, user_id, email_to, title, body, window_sent_at, attempts, ${now()} - created_at AS age`;

  return {
    /** Creates the table when it is missing; safe when several instances start at once. */
    ensure: () =>
      ensureOwnTable(knex(), OUTBOX_TABLE, (table) => {
        table.bigIncrements('id').primary();
        table.integer('user_id').nullable();
        table.string('email_to', 254).nullable();
        table.string('title', 800).notNullable();
        table.text('body').notNullable();
        table.bigInteger('window_sent_at').nullable();
        table.integer('attempts').notNullable();
        // Unix milliseconds, the database's.
        table.bigInteger('created_at').notNullable();
        table.bigInteger('next_at').notNullable();
        table.string('lease_owner', 40).nullable();
        table.bigInteger('lease_until').notNullable();
        table.index(['next_at'], DUE_INDEX);
      }),

    /** How many rows wait (the outbox is bounded). */
    async size(): Promise<number> {
      const [{ count }] = await rows().count({ count: '*' });
      return Number(count);
    },

    /** Writes an accepted notification, leased to `owner` for `leaseMs` (it works on it at once); answers its id. */
    async add(row: NewOutboxRow, owner: string, leaseMs: number): Promise<number> {
      const values = {
        user_id: row.userId ?? null,
        email_to: row.emailTo ?? null,
        title: row.title,
        body: row.body,
        window_sent_at: row.windowSentAt ?? null,
        attempts: 0,
        created_at: knex().raw(now()),
        next_at: knex().raw(now()),
        lease_owner: owner,
        lease_until: knex().raw(`${now()} + ?`, [leaseMs]),
      };
      if (dialectOf(strapi) === 'mysql') {
        const [id] = (await rows().insert(values)) as number[];
        return Number(id);
      }
      const [inserted] = (await rows().insert(values, ['id'])) as { id: Numeric }[];
      return Number(inserted.id);
    },

    /**
     * Leases rows that are due and not leased (or whose lease ran out: its instance died) to `owner`,
     * oldest due first, at most `limit`. Each lease is one conditional UPDATE, so of two instances
     * reaching for a row exactly one gets it.
     */
    async leaseDue(owner: string, leaseMs: number, limit: number): Promise<OutboxRow[]> {
      const due = (await rows()
        .select('id')
        .whereRaw(`next_at <= ${now()} AND lease_until <= ${now()}`)
        .orderBy('next_at')
        .limit(limit)) as { id: Numeric }[];
      const leased: number[] = [];
      for (const { id } of due) {
        const taken = await rows()
          .where('id', id)
          .andWhereRaw(`lease_until <= ${now()}`)
          .update({ lease_owner: owner, lease_until: knex().raw(`${now()} + ?`, [leaseMs]) });
        if (Number(taken) > 0) leased.push(Number(id));
      }
      return leased.length === 0 ? [] : this.read(leased, owner);
    },

    /** Rows leased to `owner`, by id. */
    async read(ids: number[], owner: string): Promise<OutboxRow[]> {
      const found = rawRows<StoredRow>(
        strapi,
        await knex().raw(`SELECT ${columns()} FROM ?? WHERE lease_owner = ? AND id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`, [
          OUTBOX_TABLE,
          owner,
          ...ids,
        ])
      );
      return found.map(toRow);
    },

    /** Done with (sent, refused or given up): gone, while the lease is still this instance's. */
    async remove(id: number, owner: string) {
      await rows().where({ id, lease_owner: owner }).delete();
    },

    /**
     * Tried and failed for now, or held back: due again in `delayMs`, free for any instance then. It
     * keeps the user it was found to be for and the user's window it holds.
     */
    async later(id: number, owner: string, delayMs: number, { attempted, userId, windowSentAt }: { attempted: boolean; userId: number; windowSentAt: number }) {
      await rows()
        .where({ id, lease_owner: owner })
        .update({
          next_at: knex().raw(`${now()} + ?`, [delayMs]),
          lease_until: 0,
          lease_owner: null,
          user_id: userId,
          window_sent_at: windowSentAt,
          ...(attempted ? { attempts: knex().raw('attempts + 1') } : {}),
        });
    },

    /**
     * Records on a leased row the user's window it holds (`db`: the transaction that claimed it), so an
     * instance that takes the row over after a crash sends it in that window instead of finding the
     * window taken by the notification itself. False when the row is no longer leased to `owner`.
     */
    async holdWindow(db: Knex, id: number, owner: string, userId: number, windowSentAt: number): Promise<boolean> {
      const updated = await db(OUTBOX_TABLE).where({ id, lease_owner: owner }).update({ user_id: userId, window_sent_at: windowSentAt });
      return Number(updated) > 0;
    },

    /** Leases this instance holds but is not working on: free for any instance at once (a clean stop). */
    async releaseAll(owner: string, except: number[]) {
      const query = rows().where('lease_owner', owner);
      if (except.length > 0) query.whereNotIn('id', except);
      await query.update({ lease_until: 0, lease_owner: null });
    },
  };
});

export type OutboxTable = ReturnType<typeof outboxTable>;
