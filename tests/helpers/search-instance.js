// A second Strapi instance of the playground in its own process (Strapi keeps one instance per
// process), on the database the parent's environment names, for the search index's two-instance
// test. Prints {"ready":true} once started and its start-up check is done; then, for each line
// `rebuild` or `check` on stdin, runs that on its search index and prints {"result":…} or {"error":…}.
const path = require('node:path');
const readline = require('node:readline');

const PLAYGROUND = path.resolve(__dirname, '..', '..', 'playground');

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: PLAYGROUND, distDir: path.join(PLAYGROUND, 'dist') }).load();
  const index = strapi.plugin('imbachat').service('searchIndex');
  await index.idle();
  const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  say({ ready: true });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = line.trim();
    if (command !== 'rebuild' && command !== 'check') continue;
    try {
      say({ result: await index[command]() });
    } catch (error) {
      say({ error: error.message });
    }
  }
  await strapi.destroy();
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
