import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/**
 * The plugin's one layer over knex and the database drivers. Which database this is, what a raw
 * query answers as rows, connections taken from knex's pool, SQLite statements prepared once per
 * connection, statements compiled once per shape, Strapi's model metadata, and repositories built
 * once per Strapi: every repository goes through here, and none reaches a driver by itself. (What
 * SQL each database is sent stays with the repository that sends it.)
 */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export const dialectOf = (strapi: Core.Strapi) => strapi.db.dialect.client as Dialect;

/** What a raw query answers, as rows: PostgreSQL `{rows}`, MySQL `[rows, fields]`, SQLite the rows. */
export const rawRows = <Row>(strapi: Core.Strapi, result: unknown): Row[] => {
  const dialect = dialectOf(strapi);
  if (dialect === 'postgres') return (result as { rows: Row[] }).rows;
  if (dialect === 'mysql') return (result as [Row[]])[0];
  return result as Row[];
};

/** Runs one raw statement (on `db`: knex, a transaction, a session's connection) and answers its rows. */
export const selectRows = async <Row>(strapi: Core.Strapi, db: Knex, sql: string, bindings: readonly unknown[] = []): Promise<Row[]> =>
  rawRows<Row>(strapi, await db.raw(sql, bindings as Knex.RawBinding[]));

/** A relation's link table as Strapi's metadata describes it. */
export interface LinkTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
  /** The order of the related rows (relations to many). */
  orderColumnName?: string;
}

/** A polymorphic link table (media fields: `files_related_mph`). */
export interface MorphJoinTable {
  name: string;
  joinColumn: { name: string };
  morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
}

/** What the plugin reads of a model's metadata: its table, and each attribute's column or link table. */
export interface ModelMeta {
  tableName: string;
  attributes: Record<string, { columnName?: string; joinTable?: LinkTable | MorphJoinTable }>;
}

/** A model's metadata (custom table and column names honoured), read when asked: the schema may be reloaded. */
export const modelMeta = (strapi: Core.Strapi, uid: string) => strapi.db.metadata.get(uid) as unknown as ModelMeta;

/** An attribute's column in its model's table. */
export const columnOf = (meta: ModelMeta, attribute: string) => meta.attributes[attribute]?.columnName ?? attribute;

/** A connection as the PostgreSQL and MySQL drivers hand it out (what the plugin uses of it). */
export interface DriverConnection {
  query(sql: string, ...rest: unknown[]): unknown;
  /** mysql2: the server's id of the connection. */
  threadId?: number;
  end?(): unknown;
  destroy?(): unknown;
}

/** better-sqlite3's statement and connection (what the plugin uses of them). */
export interface SqliteStatement {
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): unknown;
  raw(on: boolean): SqliteStatement;
}
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction(work: () => void): () => void;
}

interface Pool<Connection> {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
  emit(event: 'query', data: object): void;
}
const poolOf = <Connection>(strapi: Core.Strapi) => strapi.db.connection.client as unknown as Pool<Connection>;

/**
 * Runs `work` on a connection of knex's own pool, given back afterwards whatever happens: a
 * transaction in progress on SQLite's one connection is waited for as with any query.
 */
export const withConnection = async <Connection, T>(strapi: Core.Strapi, work: (connection: Connection) => Promise<T> | T): Promise<T> => {
  const pool = poolOf<Connection>(strapi);
  const connection = await pool.acquireConnection();
  try {
    return await work(connection);
  } finally {
    await pool.releaseConnection(connection);
  }
};

/** Tells knex's `query` listeners (Strapi's query log among them) of a statement sent past knex, as knex tells of its own. */
export const announce = (strapi: Core.Strapi, sql: string, bindings: readonly unknown[] = []) =>
  poolOf(strapi).emit('query', { method: 'raw', sql, bindings, options: {} });

/** Stands for the value a statement compiled once takes at each run (the ids, the id). */
export const VALUE = Symbol('value') as unknown as Knex.Value;

/**
 * Statements compiled once per shape (their columns, their table) and run again with a new value:
 * building and compiling a knex query costs more than running it on the hot routes. On SQLite each
 * is also prepared once per connection and run on better-sqlite3 directly (knex prepares it again on
 * every call, which costs more than running it). Rows come back as their values, in the order selected.
 */
export const compiledStatements = (strapi: Core.Strapi) => {
  const compiled = new Map<string, { sql: string; bindings: unknown[]; at: number }>();
  const prepared = new WeakMap<object, Map<string, SqliteStatement>>();

  const compile = (shape: string, build: () => Knex.QueryBuilder) => {
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

  const runPrepared = (sql: string, values: unknown[]) => {
    // better-sqlite3 binds no booleans: 1 and 0, as knex would send them.
    const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    announce(strapi, sql, bound);
    return withConnection<SqliteConnection, unknown[][]>(strapi, (connection) => {
      let statements = prepared.get(connection);
      if (!statements) prepared.set(connection, (statements = new Map()));
      let ready = statements.get(sql);
      if (!ready) statements.set(sql, (ready = connection.prepare(sql).raw(true)));
      return ready.all(...bound) as unknown[][];
    });
  };

  /** Runs the statement of this shape (`build` makes it the first time) with `value` in VALUE's place. */
  return async (shape: string, build: () => Knex.QueryBuilder, value: unknown): Promise<unknown[][]> => {
    const { sql, bindings, at } = compile(shape, build);
    const values = [...bindings];
    values[at] = value;
    if (dialectOf(strapi) === 'sqlite') return runPrepared(sql, values);
    return (await selectRows<Record<string, unknown>>(strapi, strapi.db.connection, sql, values)).map((row) => Object.values(row));
  };
};

/**
 * A repository made once per Strapi instance and kept: every service that asks for it shares one
 * (one statement cache, one set of statistics), and a test's second Strapi gets its own.
 */
export const perStrapi = <T>(make: (strapi: Core.Strapi) => T) => {
  const made = new WeakMap<Core.Strapi, T>();
  return (strapi: Core.Strapi): T => {
    let repository = made.get(strapi);
    if (repository === undefined) made.set(strapi, (repository = make(strapi)));
    return repository;
  };
};
