module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  url: env('PUBLIC_URL', ''),
  // Tests point this at a folder of their own, so uploads never land in the repository.
  dirs: { public: env('PUBLIC_DIR', './public') },
  logger: { updates: { enabled: false } },
  // Behind a reverse proxy: trust its X-Forwarded-For, and only the last hop (the one it added).
  proxy: { koa: env.bool('PROXY_KOA', false), maxIpsCount: env.int('PROXY_MAX_IPS', 0) },
  app: { keys: env.array('APP_KEYS', ['playground-key-1', 'playground-key-2']) },
});
