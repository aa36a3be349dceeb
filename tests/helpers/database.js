// A fresh database of its own for each booted Strapi on PostgreSQL or MySQL/MariaDB
// (DATABASE_CLIENT=postgres|mysql); SQLite gets a fresh file instead (see startStrapi).
// Plain JavaScript, so the benchmark (bench/search.js) makes its databases the same way.
const crypto = require('node:crypto');

const HOST = process.env.DATABASE_HOST ?? '127.0.0.1';

const createTestDatabase = async (client, prefix = 'imbachat_test') => {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (client === 'postgres') {
    const { Client } = require('pg');
    const run = async (sql) => {
      const connection = new Client({
        host: HOST,
        port: Number(process.env.DATABASE_PORT ?? 5432),
        user: process.env.DATABASE_USERNAME ?? 'postgres',
        password: process.env.DATABASE_PASSWORD ?? '',
        database: 'postgres',
      });
      await connection.connect();
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await run(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    return { env: { DATABASE_NAME: name }, drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
  }
  if (client === 'mysql') {
    const mysql = require('mysql2/promise');
    const run = async (sql) => {
      const connection = await mysql.createConnection({
        host: HOST,
        port: Number(process.env.DATABASE_PORT ?? 3306),
        user: process.env.DATABASE_USERNAME ?? 'root',
        password: process.env.DATABASE_PASSWORD ?? '',
      });
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return { env: { DATABASE_NAME: name }, drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
  }
  throw new Error(`tests: unknown DATABASE_CLIENT ${client}`);
};

module.exports = { createTestDatabase };
