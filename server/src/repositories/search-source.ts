import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { NameSource } from '../services/user-fields';
import { USER_UID } from '../constants';
import { SOURCE_CHARS, type Client } from './search-schema';

/** A user as the search index reads one: each indexed value as SQL cut it (`source`), and `blocked` as stored. */
export interface SourceUser {
  id: number | string;
  blocked: unknown;
  username: string | Buffer;
  /** The name field's value; with a name template, the template's values and the name field's joined (what the drift check compares). */
  name: string | Buffer;
  email: string | Buffer;
  /** With a name template: the name field's value, the name when the template fills to nothing. */
  fallback?: string | Buffer;
  /** With a name template: its attributes' values (`nameValue0`, …), as stored. */
  [nameValue: `nameValue${number}`]: unknown;
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

  /**
   * With a name template, the name row's `source`: each of its attributes' values and the name
   * field's, cut as any value is, joined by a unit separator (MySQL: as bytes, the whole cut to what
   * the column holds). Any change to any of them changes it, so the drift check finds a name made
   * from several columns as it finds one made from one. `??` are the columns, in `attributes` order.
   */
  const joined = (count: number) => {
    if (client() === 'mysql') {
      const one = `CAST(COALESCE(LEFT(??, ${SOURCE_CHARS}), '') AS BINARY)`;
      return `LEFT(CONCAT(${Array(count).fill(one).join(', CHAR(31), ')}), ${SOURCE_CHARS * 4})`;
    }
    const one =
      client() === 'postgres' ? `COALESCE(LEFT(CAST(?? AS TEXT), ${SOURCE_CHARS}), '')` : `COALESCE(SUBSTR(CAST(?? AS TEXT), 1, ${SOURCE_CHARS}), '')`;
    return Array(count).fill(one).join(client() === 'postgres' ? ' || chr(31) || ' : ' || char(31) || ');
  };
  /** The name row's value: the SQL and its columns (`alias`.column). */
  const nameValue = (names: NameSource, alias: string): [string, string[]] => {
    const at = (attribute: string) => `${alias}.${column(attribute)}`;
    if (!names.nameTemplate) return [cut(), [at(names.name)]];
    const attributes = [...names.nameTemplate.attributes, names.name];
    return [joined(attributes.length), attributes.map(at)];
  };

  /** isBlocked's rule in SQL (true, 1): NULL and anything else is not blocked. */
  const notBlocked = (alias: string) => [`(??.?? IS NULL OR ??.?? <> ?)`, [alias, column('blocked'), alias, column('blocked'), true]] as const;

  /** The indexed rows of the users in (after, upTo]: `rid` (the index row id) and `src`, exactly the rows the index should hold. */
  const rangeRows = (names: NameSource, after: number, upTo: number | null): { sql: string; bindings: Knex.RawBinding[] } => {
    const one = (attribute: string): [string, string[]] => [cut(), [`u.${column(attribute)}`]];
    const fields: [SearchField, [string, string[]], boolean][] = [[SearchField.Username, one('username'), false]];
    // The username is indexed anyway: a name row of its own only for another field, or a template.
    if (names.name !== 'username' || names.nameTemplate) fields.push([SearchField.Name, nameValue(names, 'u'), false]);
    fields.push([SearchField.Email, one('email'), true]);
    const [blockedSql, blockedBindings] = notBlocked('u');
    const parts: string[] = [];
    const bindings: Knex.RawBinding[] = [];
    for (const [field, [valueSql, values], nonEmpty] of fields) {
      parts.push(
        `SELECT u.?? * ${FIELDS_PER_USER} + ${field} AS rid, ${valueSql} AS src FROM ?? u WHERE u.?? > ?` +
          (upTo === null ? '' : ' AND u.?? <= ?') +
          ` AND ${blockedSql}` +
          (nonEmpty ? ' AND LENGTH(??) > 0' : '')
      );
      bindings.push(column('id'), ...values, meta().tableName, column('id'), after);
      if (upTo !== null) bindings.push(column('id'), upTo);
      bindings.push(...blockedBindings);
      if (nonEmpty) bindings.push(values[0]);
    }
    return { sql: parts.join(' UNION ALL '), bindings };
  };

  return {
    rangeRows,

    /** A query of the users' indexed values (add the where): what a refresh or a rebuild indexes. */
    read(db: Knex, names: NameSource) {
      const value = (attribute: string, as: string) => db.raw(`${cut()} AS ??`, [`u.${column(attribute)}`, as]);
      const [nameSql, nameColumns] = nameValue(names, 'u');
      const query = db(`${meta().tableName} as u`).select(
        { id: `u.${column('id')}`, blocked: `u.${column('blocked')}` },
        value('username', 'username'),
        db.raw(`${nameSql} AS ??`, [...nameColumns, 'name']),
        value('email', 'email')
      );
      const template = names.nameTemplate;
      if (template) {
        query.select(value(names.name, 'fallback'));
        query.select(Object.fromEntries(template.attributes.map((attribute, i) => [`nameValue${i}`, `u.${column(attribute)}`])));
      }
      return query;
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
