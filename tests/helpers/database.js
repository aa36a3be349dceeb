// A fresh database of its own for each booted Strapi on PostgreSQL or MySQL/MariaDB
// (DATABASE_CLIENT=postgres|mysql); SQLite gets a fresh file instead (see startStrapi).
// Plain JavaScript, so the benchmark (bench/search.js) makes its databases the same way.
// The server is the shared one (DATABASE_HOST/PORT/USERNAME/PASSWORD, else the defaults) unless a
// test names its own (a throw-away server, tests/helpers/throwaway-*.ts): then the database's env
// points Strapi at that server.
const crypto = require('node:crypto');

const serverOf = (client, server) => ({
  host: server?.host ?? process.env.DATABASE_HOST ?? '127.0.0.1',
  port: Number(server?.port ?? process.env.DATABASE_PORT ?? (client === 'postgres' ? 5432 : 3306)),
  user: server?.user ?? process.env.DATABASE_USERNAME ?? (client === 'postgres' ? 'postgres' : 'root'),
  password: server?.password ?? process.env.DATABASE_PASSWORD ?? '',
});

const createTestDatabase = async (client, prefix = 'imbachat_test', server) => {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const { host, port, user, password } = serverOf(client, server);
  // A server of the test's own is named to Strapi in full; the shared one comes from the env already.
  const env = server
    ? { DATABASE_NAME: name, DATABASE_HOST: host, DATABASE_PORT: String(port), DATABASE_USERNAME: user, DATABASE_PASSWORD: password }
    : { DATABASE_NAME: name };
  if (client === 'postgres') {
    const { Client } = require('pg');
    const run = async (sql) => {
      const connection = new Client({ host, port, user, password, database: 'postgres' });
      await connection.connect();
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await run(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    return { env, drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
  }
  if (client === 'mysql') {
    const mysql = require('mysql2/promise');
    const run = async (sql) => {
      const connection = await mysql.createConnection({ host, port, user, password });
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return { env, drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
  }
  throw new Error(`tests: unknown DATABASE_CLIENT ${client}`);
};

module.exports = { createTestDatabase };
