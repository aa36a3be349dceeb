import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ROLE_UID, USER_UID } from '../constants';
import type { NameSource, UserAttributes } from '../services/user-fields';
import { LAST_SEEN_TABLE } from './last-seen-table';

/** A site user as the plugin reads it: the one shape every route's users arrive in. */
export interface SiteUser {
  id: number;
  username: string;
  documentId?: string;
  email?: string | null;
  /** The value of the name field (`nameField`), whatever its type. */
  name?: unknown;
  /** The values of the name template's attributes, in its order, when it has one. */
  nameValues?: unknown[];
  /** The avatar's URL as stored: a media file's `url`, or the text of a URL attribute. */
  avatarUrl?: string | null;
  blocked: boolean;
  /** The users-permissions role's `type`, when read (`chatRoles`). */
  roleType?: string | null;
  /** The values of the badge and last-login fields, whatever their type. */
  badge?: unknown;
  lastLogin?: unknown;
  /** When the user last fetched a chat token (unix seconds), when read (`trackLastSeen`). */
  lastSeen?: unknown;
  /** users-permissions' `confirmed`, when read (notifications: only confirmed addresses get mail). */
  confirmed?: boolean;
}

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

interface UserMeta {
  tableName: string;
  attributes: Record<string, { columnName?: string; joinTable?: LinkTable }>;
}
interface LinkTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
  /** The order of the related rows (relations to many). */
  orderColumnName?: string;
}

/** The key of a name template's nth value among a read's columns. */
const NAME_VALUE = 'nameValue';
/** Where the name template's values start among a read's keys (they come last), or the number of keys. */
const nameValuesAt = (keys: string[]) => {
  const at = keys.findIndex((key) => key.startsWith(NAME_VALUE));
  return at < 0 ? keys.length : at;
};
interface MorphJoinTable {
  name: string;
  joinColumn: { name: string };
  morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
}

type SqliteStatement = { all(...values: unknown[]): unknown[]; raw(on: boolean): SqliteStatement };
type SqliteConnection = { prepare(sql: string): SqliteStatement };
type SqlitePool = {
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection): Promise<void>;
  emit(event: 'query', data: object): void;
};

/**
 * Whether a boolean column's value is on: SQLite and MySQL answer 0/1, PostgreSQL a boolean, and
 * rows created without it hold NULL (off).
 */
const isOn = (value: unknown): boolean => value === true || value === 1 || value === '1';

/** Whether a `blocked` column's value means blocked. The one rule for it in JavaScript; `notBlocked` below is the same rule in SQL. */
export const isBlocked = isOn;

/** Stands for the value a statement compiled once takes at each run (the ids, the id). */
const VALUE = Symbol('value') as unknown as Knex.Value;

/**
 * The only reader of users-permissions users. It goes through knex with Strapi's own metadata
 * (custom table and column names are honoured): the chat server's routes are the hottest paths,
 * and the query engine's model layer costs more than the SQL for them.
 */
export const siteUsers = (strapi: Core.Strapi) => {
  const meta = () => strapi.db.metadata.get(USER_UID) as unknown as UserMeta;
  const column = (attribute: string) => meta().attributes[attribute]?.columnName ?? attribute;
  const knex = () => strapi.db.connection;
  const client = () => strapi.db.dialect.client;

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
  const roleColumn = (attribute: string) =>
    (strapi.db.metadata.get(ROLE_UID) as unknown as UserMeta).attributes[attribute]?.columnName ?? attribute;
  const select = (columns: SiteUserColumns) => {
    const query = knex()(`${meta().tableName} as u`).select(selected(columns));
    if (columns.role) {
      // users-permissions links a user to one role through its link table: left joins keep users without one.
      const link = meta().attributes.role?.joinTable as LinkTable;
      const roles = (strapi.db.metadata.get(ROLE_UID) as unknown as UserMeta).tableName;
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
    const fileMeta = strapi.db.metadata.get('plugin::upload.file') as unknown as {
      tableName: string;
      attributes: { related: { joinTable: MorphJoinTable } };
    };
    const join = fileMeta.attributes.related.joinTable;
    const userId = `m.${join.morphColumn.idColumn.name}`;
    const rows = (await knex()(`${fileMeta.tableName} as f`)
      .join(`${join.name} as m`, `m.${join.joinColumn.name}`, 'f.id')
      .select({ userId, url: 'f.url' })
      .where(`m.${join.morphColumn.typeColumn.name}`, USER_UID)
      .andWhere('m.field', field)
      .andWhere((where) => idIn(where, ids, userId))) as { userId: number; url: string }[];
    return new Map(rows.map((row) => [Number(row.userId), row.url]));
  };

  const finish = async (rows: SiteUser[], { fields }: SiteUserColumns): Promise<SiteUser[]> => {
    if (fields.avatar?.kind === 'media' && rows.length > 0) {
      const urls = await mediaAvatars(rows.map((row) => row.id), fields.avatar.field);
      for (const row of rows) row.avatarUrl = urls.get(row.id) ?? null;
    }
    return rows;
  };

  /** What a raw query answers, as rows: the drivers differ. */
  const rowsOf = <Row>(result: unknown): Row[] => {
    if (client() === 'postgres') return (result as { rows: Row[] }).rows;
    if (client() === 'mysql') return (result as [Row[]])[0];
    return result as Row[];
  };

  /**
   * A statement compiled once per shape (its columns, its table), run again with new values:
   * building and compiling a knex query cost more than running it on the hot routes.
   */
  const compiled = new Map<string, { sql: string; bindings: unknown[]; at: number }>();
  const statement = (shape: string, build: () => Knex.QueryBuilder) => {
    let done = compiled.get(shape);
    if (!done) {
      const { sql, bindings } = build().toSQL();
      if (compiled.size >= 32) compiled.clear(); // a handful of settings shapes in practice
      done = { sql, bindings: [...bindings], at: bindings.indexOf(VALUE) };
      if (done.at < 0) throw new Error(`[imbachat] the ${shape} statement takes no value`);
      compiled.set(shape, done);
    }
    return done;
  };
  /** Runs a compiled statement with its value; each row as its values in the order selected. */
  const runCompiled = async (shape: string, build: () => Knex.QueryBuilder, value: unknown): Promise<unknown[][]> => {
    const { sql, bindings, at } = statement(`${meta().tableName}\n${shape}`, build);
    const values = [...bindings];
    values[at] = value;
    if (client() === 'sqlite') return runPrepared(sql, values);
    return rowsOf<Record<string, unknown>>(await knex().raw(sql, values as Knex.RawBinding[])).map((row) => Object.values(row));
  };

  /**
   * SQLite: the statement prepared once per connection and run on it directly (knex prepares it again
   * on every call, which costs more than running it). The connection is taken from knex's pool, so a
   * transaction in progress is waited for as with any query, and the query is announced as knex
   * announces its own, so Strapi's query log and anything listening to knex's `query` event see it.
   */
  const prepared = new WeakMap<object, Map<string, SqliteStatement>>();
  const runPrepared = async (sql: string, values: unknown[]): Promise<unknown[][]> => {
    const pool = knex().client as unknown as SqlitePool;
    // better-sqlite3 binds no booleans: 1 and 0, as knex would send them.
    const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    pool.emit('query', { method: 'raw', sql, bindings: bound, options: {} });
    const connection = await pool.acquireConnection();
    try {
      let statements = prepared.get(connection);
      if (!statements) prepared.set(connection, (statements = new Map()));
      let ready = statements.get(sql);
      if (!ready) statements.set(sql, (ready = connection.prepare(sql).raw(true)));
      return ready.all(...bound) as unknown[][];
    } finally {
      await pool.releaseConnection(connection);
    }
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
        return finish(rows.map((row) => siteUser(keys, Object.values(row), nameAt)), columns);
      }
      const shape = JSON.stringify(['byIds', columns]);
      const rows = await runCompiled(shape, () => byIdsQuery(VALUE), client() === 'sqlite' ? JSON.stringify(ids) : ids);
      return finish(rows.map((row) => siteUser(keys, row, nameAt)), columns);
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
      const link = meta().attributes[relation]?.joinTable;
      if (!link) return [];
      const query = knex()(link.name)
        .select({ id: link.inverseJoinColumn.name })
        .where(link.joinColumn.name, userId)
        .whereNot(link.inverseJoinColumn.name, userId);
      if (link.orderColumnName) query.orderBy(link.orderColumnName);
      const rows = (await query.orderBy('id').limit(limit)) as { id: number | string }[];
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
        'standing',
        () => knex()(meta().tableName).select({ blocked: column('blocked'), confirmed: column('confirmed') }).where(column('id'), VALUE).limit(1),
        id
      );
      return row ? { blocked: Boolean(row[0]), confirmed: Boolean(row[1]) } : null;
    },
  };
};

export type SiteUsers = ReturnType<typeof siteUsers>;
