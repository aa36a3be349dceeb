import type { Core } from '@strapi/strapi';

type SqliteConnection = { function(name: string, options: object, fn: (value: unknown) => unknown): void };

const unicodeLower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * SQLite's LOWER() folds ASCII only, so "ZOË" would not find "Zoë" there while it does on
 * PostgreSQL and MySQL. This gives SQLite connections a LOWER() that folds all of Unicode, as the
 * case-insensitive filters Strapi builds ($containsi, $startsWithi, $eqi) expect.
 */
export const foldUnicodeOnSqlite = async (strapi: Core.Strapi) => {
  const knex = strapi.db.connection as unknown as {
    client: {
      dialect?: string;
      pool?: { on(event: 'createSuccess', listener: (id: unknown, connection: SqliteConnection) => void): void };
      acquireConnection(): Promise<SqliteConnection>;
      releaseConnection(connection: SqliteConnection): Promise<void>;
    };
  };
  if (strapi.db.dialect.client !== 'sqlite') return;
  const install = (connection: SqliteConnection) => connection.function('lower', { deterministic: true }, unicodeLower);
  knex.client.pool?.on('createSuccess', (_id, connection) => install(connection));
  const connection = await knex.client.acquireConnection();
  try {
    install(connection);
  } finally {
    await knex.client.releaseConnection(connection);
  }
};
