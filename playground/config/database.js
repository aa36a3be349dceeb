const path = require('path');

// SQLite by default; DATABASE_CLIENT=postgres or mysql (with DATABASE_* settings) for the others.
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  const server = {
    host: env('DATABASE_HOST', '127.0.0.1'),
    port: env.int('DATABASE_PORT', client === 'postgres' ? 5432 : 3306),
    database: env('DATABASE_NAME', 'imbachat'),
    user: env('DATABASE_USERNAME', client === 'postgres' ? 'postgres' : 'root'),
    password: env('DATABASE_PASSWORD', ''),
  };
  const connection = {
    // Run from playground/dist/config: relative paths are taken from playground/.
    sqlite: { filename: path.resolve(__dirname, '..', '..', env('DATABASE_FILENAME', '.tmp/data.db')) },
    postgres: server,
    mysql: server,
  }[client];
  return {
    connection: {
      client,
      connection,
      useNullAsDefault: client === 'sqlite' ? true : undefined,
      // SQLite takes one writer: Strapi's own single-connection default is right there.
      pool: client === 'sqlite' ? undefined : { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 10) },
    },
  };
};
