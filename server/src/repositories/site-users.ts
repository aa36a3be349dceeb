import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { USER_UID } from '../constants';
import type { UserFieldPlan } from '../services/user-fields';

/** A site user as the plugin reads it: the one shape every route's users arrive in. */
export interface SiteUser {
  id: number;
  username: string;
  documentId?: string;
  email?: string | null;
  /** The value of the name field (`nameField`), whatever its type. */
  name?: unknown;
  /** The avatar's URL as stored: a media file's `url`, or the text of a URL attribute. */
  avatarUrl?: string | null;
}

/** What the login check needs of an account (the password hash never leaves the server). */
export interface LocalAccount {
  id: number;
  username: string;
  name: unknown;
  password: string | null;
  blocked: boolean;
  confirmed: boolean;
}

/** Which optional columns a read needs besides id and username. */
export interface SiteUserColumns {
  fields: UserFieldPlan;
  email: boolean;
  documentId: boolean;
}

interface UserMeta {
  tableName: string;
  attributes: Record<string, { columnName?: string }>;
}
interface MorphJoinTable {
  name: string;
  joinColumn: { name: string };
  morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
}

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

  const select = ({ fields, email, documentId }: SiteUserColumns) => {
    const columns: Record<string, string> = { id: column('id'), username: column('username'), name: column(fields.name) };
    if (email) columns.email = column('email');
    if (documentId) columns.documentId = column('documentId');
    if (fields.avatar?.kind === 'url') columns.avatarUrl = column(fields.avatar.field);
    return knex()(meta().tableName).select(columns);
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
    for (const row of rows) row.id = Number(row.id);
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
  const runCompiled = async <Row>(shape: string, build: () => Knex.QueryBuilder, value: unknown): Promise<Row[]> => {
    const { sql, bindings, at } = statement(`${meta().tableName}\n${shape}`, build);
    const values = [...bindings];
    values[at] = value;
    return rowsOf<Row>(await knex().raw(sql, values as Knex.RawBinding[]));
  };

  return {
    /** These users, if they are not blocked, in no particular order. */
    async byIds(ids: number[], columns: SiteUserColumns): Promise<SiteUser[]> {
      const byIdsQuery = (list: number[] | Knex.Value) =>
        select(columns)
          .where((where) => idIn(where, list, column('id')))
          .andWhere(notBlocked);
      // MySQL takes the ids as one placeholder each, so its statement's text depends on their number.
      if (client() === 'mysql') return finish((await byIdsQuery(ids)) as SiteUser[], columns);
      const shape = JSON.stringify(['byIds', columns.fields.name, columns.fields.avatar, columns.email, columns.documentId]);
      const rows = await runCompiled<SiteUser>(shape, () => byIdsQuery(VALUE), client() === 'sqlite' ? JSON.stringify(ids) : ids);
      return finish(rows, columns);
    },

    /** The local account a login names, as Strapi's /api/auth/local finds it (email lower-cased, or username). */
    async localAccount(login: string, nameField: string): Promise<LocalAccount | null> {
      const row = (await knex()(meta().tableName)
        .select({
          id: column('id'),
          username: column('username'),
          name: column(nameField),
          password: column('password'),
          blocked: column('blocked'),
          confirmed: column('confirmed'),
        })
        .where(column('provider'), 'local')
        .andWhere((where) => where.where(column('email'), login.toLowerCase()).orWhere(column('username'), login))
        .first()) as (Omit<LocalAccount, 'blocked' | 'confirmed'> & { blocked: unknown; confirmed: unknown }) | undefined;
      // SQLite and MySQL answer booleans as 0/1.
      return row ? { ...row, id: Number(row.id), blocked: Boolean(row.blocked), confirmed: Boolean(row.confirmed) } : null;
    },

    /** Whether the user exists, is blocked, is confirmed: what an access token's holder is judged by. */
    async standing(id: number): Promise<{ blocked: boolean; confirmed: boolean } | null> {
      const [row] = await runCompiled<{ blocked: unknown; confirmed: unknown }>(
        'standing',
        () => knex()(meta().tableName).select({ blocked: column('blocked'), confirmed: column('confirmed') }).where(column('id'), VALUE).limit(1),
        id
      );
      return row ? { blocked: Boolean(row.blocked), confirmed: Boolean(row.confirmed) } : null;
    },
  };
};

export type SiteUsers = ReturnType<typeof siteUsers>;
