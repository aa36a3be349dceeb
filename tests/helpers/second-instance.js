// A second Strapi instance of the playground in its own process (Strapi keeps one instance per
// process), on the database the parent's environment names. Prints {"port":…} once it listens;
// exits on SIGTERM.
const path = require('node:path');

const PLAYGROUND = path.resolve(__dirname, '..', '..', 'playground');

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: PLAYGROUND, distDir: path.join(PLAYGROUND, 'dist') }).load();
  strapi.server.mount();
  await new Promise((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: strapi.server.httpServer.address().port })}\n`);
  process.once('SIGTERM', () => process.exit(0));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
