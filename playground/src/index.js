const fs = require('fs');
const path = require('path');
const pluginRoot = require('./plugin-root');
const { seedPlayground } = require('./seed');

const CLIENT_PATH = '/chat-demo/imbachat-client.mjs';

module.exports = {
  register({ strapi }) {
    // The demo page (public/chat-demo) imports the plugin's browser client from here; a real
    // front end bundles it from npm: import { loadImbaChat } from 'strapi-plugin-imbachat/client'.
    const client = path.join(pluginRoot(), 'dist', 'client', 'index.mjs');
    strapi.server.use(async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path !== CLIENT_PATH) return next();
      ctx.type = 'text/javascript';
      ctx.body = fs.createReadStream(client);
    });
  },
  async bootstrap({ strapi }) {
    if (process.env.IMBACHAT_PLAYGROUND_SEED === 'false') return;
    await seedPlayground(strapi);
  },
};
