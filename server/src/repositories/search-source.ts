import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { USER_UID } from '../constants';
import { SOURCE_CHARS, type Client } from './search-schema';

/** A user as the search index reads one: each indexed value as SQL cut it (`source`), and `blocked` as stored. */
export interface SourceUser {
  id: number | string;
  blocked: unknown;
  username: string | Buffer;
  name: string | Buffer;
  email: string | Buffer;
}

/** The fields of an index row id (user id × 4 + field). */
export enum SearchField {
  Name = 0,
  Username = 1,
  Email = 2,
}
export const FIELDS_PER_USER = 4;

interface UserMeta {
  tableName: string;
  attributes: Record<string, { columnName?: string }>;
}

/**
 * The users table as the search index sees it: each value cut to SOURCE_CHARS characters by SQL,
 * so what an index row keeps (`source`) and what the drift check reads from the users table are
 * one expression, compared byte for byte (MySQL: as bytes, whatever the column's collation).
 */
export const searchSource = (strapi: Core.Strapi) => {
  const meta = () => strapi.db.metadata.get(USER_UID) as unknown as UserMeta;
  const column = (attribute: string) => meta().attributes[attribute]?.columnName ?? attribute;
  const client = () => strapi.db.dialect.client as Client;

  /** The SQL of one value as the index keeps it: `??` is the column. */
  const cut = () =>
    ({
      postgres: `COALESCE(LEFT(??, ${SOURCE_CHARS}), '')`,
      mysql: `CAST(COALESCE(LEFT(??, ${SOURCE_CHARS}), '') AS BINARY)`,
      sqlite: `COALESCE(SUBSTR(??, 1, ${SOURCE_CHARS}), '')`,
    })[client()];

  /** isBlocked's rule in SQL (true, 1): NULL and anything else is not blocked. */
  const notBlocked = (alias: string) => [`(??.?? IS NULL OR ??.?? <> ?)`, [alias, column('blocked'), alias, column('blocked'), true]] as const;

  /** The indexed rows of the users in (after, upTo]: `rid` (the index row id) and `src`, exactly the rows the index should hold. */
  const rangeRows = (nameField: string, after: number, upTo: number | null): { sql: string; bindings: Knex.RawBinding[] } => {
    const fields: [SearchField, string, boolean][] = [[SearchField.Username, 'username', false]];
    if (nameField !== 'username') fields.push([SearchField.Name, nameField, false]);
    fields.push([SearchField.Email, 'email', true]);
    const [blockedSql, blockedBindings] = notBlocked('u');
    const parts: string[] = [];
    const bindings: Knex.RawBinding[] = [];
    for (const [field, attribute, nonEmpty] of fields) {
      const value = `u.${column(attribute)}`;
      parts.push(
        `SELECT u.?? * ${FIELDS_PER_USER} + ${field} AS rid, ${cut()} AS src FROM ?? u WHERE u.?? > ?` +
          (upTo === null ? '' : ' AND u.?? <= ?') +
          ` AND ${blockedSql}` +
          (nonEmpty ? ' AND LENGTH(??) > 0' : '')
      );
      bindings.push(column('id'), value, meta().tableName, column('id'), after);
      if (upTo !== null) bindings.push(column('id'), upTo);
      bindings.push(...blockedBindings);
      if (nonEmpty) bindings.push(value);
    }
    return { sql: parts.join(' UNION ALL '), bindings };
  };

  return {
    rangeRows,

    /** A query of the users' indexed values (add the where): what a refresh or a rebuild indexes. */
    read(db: Knex, nameField: string) {
      const value = (attribute: string, as: string) => db.raw(`${cut()} AS ??`, [`u.${column(attribute)}`, as]);
      return db(`${meta().tableName} as u`).select(
        { id: `u.${column('id')}`, blocked: `u.${column('blocked')}` },
        value('username', 'username'),
        value(nameField, 'name'),
        value('email', 'email')
      );
    },

    /** The users table's id column, as `read` names it for a where. */
    idColumn: () => `u.${column('id')}`,

    /** The id that closes a range of `size` users after `after`, or null when fewer are left. */
    async rangeEnd(db: Knex, after: number, size: number): Promise<number | null> {
      const row = (await db(meta().tableName)
        .select({ id: column('id') })
        .where(column('id'), '>', after)
        .orderBy(column('id'))
        .offset(size - 1)
        .first()) as { id: number | string } | undefined;
      return row ? Number(row.id) : null;
    },
  };
};

export type SearchSource = ReturnType<typeof searchSource>;
