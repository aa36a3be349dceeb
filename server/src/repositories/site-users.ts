import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ROLE_UID, USER_UID } from '../constants';
import type { NameSource, SiteUser, UserAttributes } from '../site-user';
import { LAST_SEEN_TABLE } from './last-seen-table';
import { SOURCE_CHARS } from './search-schema';
import { FIELDS_PER_USER, SearchField } from './search-source';
import { VALUE, columnOf, compiledStatements, dialectOf, modelMeta, perStrapi, type LinkTable, type MorphJoinTable } from './sql';

/** What the login check needs of an account (the password hash never leaves the server). */
export interface LocalAccount {
  id: number;
  username: string;
  name: unknown;
  nameValues?: unknown[];
  password: string | null;
  blocked: boolean;
  confirmed: boolean;
}

/** Which optional columns a read needs besides id and username. */
export interface SiteUserColumns {
  fields: UserAttributes;
  email: boolean;
  documentId: boolean;
  /** The role's type, joined in the same query. */
  role: boolean;
  /** The plugin's last-seen time, joined in the same query. */
  lastSeen: boolean;
}

/** The key of a name template's nth value among a read's columns. */
const NAME_VALUE = 'nameValue';
/** Where the name template's values start among a read's keys (they come last), or the number of keys. */
const nameValuesAt = (keys: string[]) => {
  const at = keys.findIndex((key) => key.startsWith(NAME_VALUE));
  return at < 0 ? keys.length : at;
};
/**
 * Whether a boolean column's value is on: SQLite and MySQL answer 0/1, PostgreSQL a boolean, and
 * rows created without it hold NULL (off).
 */
const isOn = (value: unknown): boolean => value === true || value === 1 || value === '1';

/** Whether a `blocked` column's value means blocked. The one rule for it in JavaScript; `notBlocked` below is the same rule in SQL. */
export const isBlocked = isOn;

/**
 * The only reader of users-permissions users. It goes through knex with Strapi's own metadata
 * (custom table and column names are honoured): the chat server's routes are the hottest paths,
 * and the query engine's model layer costs more than the SQL for them.
 */
export const siteUsers = perStrapi((strapi: Core.Strapi) => {
  const meta = () => modelMeta(strapi, USER_UID);
  const column = (attribute: string) => columnOf(meta(), attribute);
  const knex = () => strapi.db.connection;
  const client = () => dialectOf(strapi);
  const runCompiled = compiledStatements(strapi);

  /** Rows created without `blocked` hold NULL: they are not blocked. The one rule for it. */
  const notBlocked = (where: Knex.QueryBuilder) => where.where(column('blocked'), false).orWhereNull(column('blocked'));

  /**
   * `id IN (…)` with the ids as one parameter where the database can unpack it: a statement with
   * 1000 placeholders costs more to prepare than to run.
   */
  const idIn = (where: Knex.QueryBuilder, ids: number[] | Knex.Value, idColumn: string) => {
    if (client() === 'sqlite') {
      return where.whereRaw('?? IN (SELECT value FROM json_each(?))', [idColumn, ids === VALUE ? VALUE : JSON.stringify(ids)]);
    }
    if (client() === 'postgres') return where.whereRaw('?? = ANY(?::int[])', [idColumn, ids as Knex.Value]);
    return where.whereIn(idColumn, ids as number[]);
  };

  /** The users table is `u` in a read of users, so joined tables cannot make a column ambiguous. */
  const selected = ({ fields, email, documentId, role, lastSeen }: SiteUserColumns) => {
    const u = (attribute: string) => `u.${column(attribute)}`;
    const columns: Partial<Record<keyof SiteUser, string>> = {
      id: u('id'),
      username: u('username'),
      name: u(fields.name),
      blocked: u('blocked'),
    };
    if (email) columns.email = u('email');
    if (documentId) columns.documentId = u('documentId');
    if (fields.avatar?.kind === 'url') columns.avatarUrl = u(fields.avatar.field);
    if (fields.badge) columns.badge = u(fields.badge);
    if (fields.lastLogin) columns.lastLogin = u(fields.lastLogin);
    if (role) columns.roleType = `r.${roleColumn('type')}`;
    if (lastSeen) columns.lastSeen = 'ls.seen_at';
    return withNameValues(columns, fields.nameTemplate, u) as Partial<Record<keyof SiteUser, string>>;
  };
  /** The name template's attributes as the last columns of a read (`nameValue0`, …). */
  const withNameValues = (columns: Record<string, string>, template: NameSource['nameTemplate'], at: (attribute: string) => string) => {
    template?.attributes.forEach((attribute, i) => {
      columns[`${NAME_VALUE}${i}`] = at(attribute);
    });
    return columns;
  };
  const roleColumn = (attribute: string) => columnOf(modelMeta(strapi, ROLE_UID), attribute);
  const select = (columns: SiteUserColumns) => {
    const query = knex()(`${meta().tableName} as u`).select(selected(columns));
    if (columns.role) {
      // users-permissions links a user to one role through its link table: left joins keep users without one.
      const link = meta().attributes.role?.joinTable as LinkTable;
      const roles = modelMeta(strapi, ROLE_UID).tableName;
      query
        .leftJoin(`${link.name} as rl`, `rl.${link.joinColumn.name}`, `u.${column('id')}`)
        .leftJoin(`${roles} as r`, `r.${roleColumn('id')}`, `rl.${link.inverseJoinColumn.name}`);
    }
    if (columns.lastSeen) query.leftJoin(`${LAST_SEEN_TABLE} as ls`, 'ls.user_id', `u.${column('id')}`);
    return query;
  };

  /** A row's values, in the order selected, as the one SiteUser shape every route's users arrive in. */
  const siteUser = (keys: string[], values: unknown[], nameAt = keys.length): SiteUser => {
    const user: SiteUser = {
      id: 0,
      username: '',
      documentId: undefined,
      email: undefined,
      name: undefined,
      avatarUrl: undefined,
      blocked: false,
      roleType: undefined,
      badge: undefined,
      lastLogin: undefined,
      lastSeen: undefined,
      nameValues: undefined,
    };
    for (let i = 0; i < nameAt; i += 1) (user as unknown as Record<string, unknown>)[keys[i]] = values[i];
    if (nameAt < keys.length) user.nameValues = values.slice(nameAt, keys.length);
    user.id = Number(user.id);
    user.blocked = isBlocked(user.blocked);
    return user;
  };

  /** The files of a media avatar field, by user id: one query for the whole batch. */
  const mediaAvatars = async (ids: number[], field: string): Promise<Map<number, string>> => {
    const fileMeta = modelMeta(strapi, 'plugin::upload.file');
    const join = fileMeta.attributes.related.joinTable as MorphJoinTable;
    const userId = `m.${join.morphColumn.idColumn.name}`;
    const rows = (await knex()(`${fileMeta.tableName} as f`)
      .join(`${join.name} as m`, `m.${join.joinColumn.name}`, 'f.id')
      .select({ userId, url: 'f.url' })
      .where(`m.${join.morphColumn.typeColumn.name}`, USER_UID)
      .andWhere('m.field', field)
      .andWhere((where) => idIn(where, ids, userId))) as { userId: number; url: string }[];
    return new Map(rows.map((row) => [Number(row.userId), row.url]));
  };

  const withMediaAvatars = async (rows: SiteUser[], { fields }: SiteUserColumns): Promise<SiteUser[]> => {
    if (fields.avatar?.kind === 'media' && rows.length > 0) {
      const urls = await mediaAvatars(rows.map((row) => row.id), fields.avatar.field);
      for (const row of rows) row.avatarUrl = urls.get(row.id) ?? null;
    }
    return rows;
  };

  const CONTACT_KEYS: (keyof SiteUser)[] = ['id', 'username', 'name', 'email', 'blocked', 'confirmed'];
  const contactColumns = (names: NameSource) =>
    withNameValues(Object.fromEntries(CONTACT_KEYS.map((key) => [key, column(key === 'name' ? names.name : key)])), names.nameTemplate, column);
  /** A row read by named columns (not by position) as a SiteUser. */
  const byName = (columns: Record<string, string>, row: Record<string, unknown>) => {
    const keys = Object.keys(columns);
    return siteUser(keys, keys.map((key) => row[key]), nameValuesAt(keys));
  };
  const contact = (columns: Record<string, string>, row: Record<string, unknown>) => {
    const user = byName(columns, row);
    user.confirmed = isOn(row.confirmed);
    return user;
  };

  return {
    /** These users, blocked or not (`blocked` says), in no particular order. */
    async byIds(ids: number[], columns: SiteUserColumns): Promise<SiteUser[]> {
      const byIdsQuery = (list: number[] | Knex.Value) => select(columns).where((where) => idIn(where, list, `u.${column('id')}`));
      // MySQL takes the ids as one placeholder each, so its statement's text depends on their number.
      const keys = Object.keys(selected(columns));
      const nameAt = nameValuesAt(keys);
      if (client() === 'mysql') {
        const rows = (await byIdsQuery(ids)) as Record<string, unknown>[];
        return withMediaAvatars(rows.map((row) => siteUser(keys, Object.values(row), nameAt)), columns);
      }
      const shape = JSON.stringify(['byIds', columns]);
      const rows = await runCompiled(`${meta().tableName}\n${shape}`, () => byIdsQuery(VALUE), client() === 'sqlite' ? JSON.stringify(ids) : ids);
      return withMediaAvatars(rows.map((row) => siteUser(keys, row, nameAt)), columns);
    },

    /** The local account a login names, as Strapi's /api/auth/local finds it (email lower-cased, or username). */
    async localAccount(login: string, names: NameSource): Promise<LocalAccount | null> {
      const row = (await knex()(meta().tableName)
        .select(
          withNameValues(
            {
              id: column('id'),
              username: column('username'),
              name: column(names.name),
              password: column('password'),
              blocked: column('blocked'),
              confirmed: column('confirmed'),
            },
            names.nameTemplate,
            column
          )
        )
        .where(column('provider'), 'local')
        .andWhere((where) => where.where(column('email'), login.toLowerCase()).orWhere(column('username'), login))
        .first()) as (Omit<LocalAccount, 'blocked' | 'confirmed'> & { blocked: unknown; confirmed: unknown }) | undefined;
      if (!row) return null;
      const values = row as unknown as Record<string, unknown>;
      // SQLite and MySQL answer booleans as 0/1.
      return {
        id: Number(row.id),
        username: row.username,
        name: row.name,
        password: row.password,
        blocked: Boolean(row.blocked),
        confirmed: Boolean(row.confirmed),
        nameValues: names.nameTemplate?.attributes.map((_, i) => values[`${NAME_VALUE}${i}`]),
      };
    },

    /** Users to email (notifications), by id: name per the name field, stored address, blocked and confirmed or not. */
    async contactsByIds(ids: number[], names: NameSource): Promise<SiteUser[]> {
      if (ids.length === 0) return [];
      const columns = contactColumns(names);
      const rows = (await knex()(meta().tableName)
        .select(columns)
        .whereIn(column('id'), ids)
        .orderBy(column('id'))) as Record<string, unknown>[];
      return rows.map((row) => contact(columns, row));
    },

    /**
     * Users as the admin's user picker lists them: by these ids (in no particular order), or the
     * first `limit` by id; blocked users left out either way.
     */
    async pickable(names: NameSource, pick: { ids: number[] } | { first: number }): Promise<SiteUser[]> {
      const columns = withNameValues(
        { id: column('id'), username: column('username'), name: column(names.name), blocked: column('blocked') },
        names.nameTemplate,
        column
      );
      const query = knex()(meta().tableName).select(columns).where(notBlocked);
      if ('ids' in pick) {
        if (pick.ids.length === 0) return [];
        query.whereIn(column('id'), pick.ids);
      } else {
        query.orderBy(column('id')).limit(pick.first);
      }
      return ((await query) as Record<string, unknown>[]).map((row) => byName(columns, row));
    },

    /**
     * The ids a relation of the user model to users links this user to (the friends field), in
     * the relation's order, at most `limit`: one query of its link table.
     */
    async relatedIds(userId: number, relation: string, limit: number): Promise<number[]> {
      const link = meta().attributes[relation]?.joinTable as LinkTable | undefined;
      if (!link) return [];
      const query = knex()(link.name)
        .select({ id: link.inverseJoinColumn.name })
        .where(link.joinColumn.name, userId)
        .whereNot(link.inverseJoinColumn.name, userId);
      if (link.orderColumnName) query.orderBy(link.orderColumnName);
      const rows = (await query.orderBy('id').limit(limit)) as { id: number | string }[];
      return rows.map((row) => Number(row.id));
    },

    /** The ids of the users a query engine `where` (with `_q`, `filters`) matches: what a bulk update or delete is about to touch. */
    async idsMatching(criteria: Record<string, unknown>): Promise<number[]> {
      const rows = (await strapi.db.query(USER_UID).findMany({ ...criteria, select: ['id'] })) as { id: number | string }[];
      return rows.map((row) => Number(row.id));
    },

    /**
     * Ids from `from` on, in order, at most `limit`: the users a bulk create made (Strapi reports one
     * id per insert on MariaDB). Through the query engine, so inside the writer's transaction the new
     * rows are seen.
     */
    async idsFrom(from: number, limit: number): Promise<number[]> {
      const rows = (await strapi.db.query(USER_UID).findMany({
        select: ['id'],
        where: { id: { $gte: from } },
        orderBy: { id: 'asc' },
        limit,
      })) as { id: number | string }[];
      return rows.map((row) => Number(row.id));
    },

    /** How many users are not blocked. */
    async notBlockedCount(): Promise<number> {
      const [{ count }] = await knex()(meta().tableName).where(notBlocked).count({ count: '*' });
      return Number(count);
    },

    /** Whether the user exists, is blocked, is confirmed: what an access token's holder is judged by. */
    async accountState(id: number): Promise<{ blocked: boolean; confirmed: boolean } | null> {
      const [row] = await runCompiled(
        `${meta().tableName}\naccountState`,
        () => knex()(meta().tableName).select({ blocked: column('blocked'), confirmed: column('confirmed') }).where(column('id'), VALUE).limit(1),
        id
      );
      return row ? { blocked: Boolean(row[0]), confirmed: Boolean(row[1]) } : null;
    },
  };
});

export type SiteUsers = ReturnType<typeof siteUsers>;

/**
 * The users table as the search index sees it: each value cut to SOURCE_CHARS characters by SQL,
 * so what an index row keeps (`source`) and what the drift check reads from the users table are
 * one expression, compared byte for byte (MySQL: as bytes, whatever the column's collation).
 */
export const searchSource = perStrapi((strapi: Core.Strapi) => {
  const meta = () => modelMeta(strapi, USER_UID);
  const column = (attribute: string) => columnOf(meta(), attribute);
  const client = () => dialectOf(strapi);

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
});

export type SearchSource = ReturnType<typeof searchSource>;
