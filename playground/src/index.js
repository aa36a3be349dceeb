const fs = require('fs');
const path = require('path');
const pluginRoot = require('./plugin-root');
const { seedPlayground } = require('./seed');

const packageDir = (name) => path.dirname(require.resolve(`${name}/package.json`));

/**
 * Files the demo pages (public/chat-demo) import, served from where they are built: the plugin's
 * browser client and React entry, and React itself (its UMD development builds: React 18 ships no
 * browser ESM, and development mode lets the React page run in StrictMode as in development). A real
 * front end bundles them from npm: import { loadImbaChat } from 'strapi-plugin-imbachat/client'.
 */
const demoFiles = () => ({
  '/chat-demo/imbachat-client.mjs': path.join(pluginRoot(), 'dist', 'client', 'index.mjs'),
  '/chat-demo/imbachat-react.mjs': path.join(pluginRoot(), 'dist', 'react', 'index.mjs'),
  '/chat-demo/vendor/react.js': path.join(packageDir('react'), 'umd', 'react.development.js'),
  '/chat-demo/vendor/react-dom.js': path.join(packageDir('react-dom'), 'umd', 'react-dom.development.js'),
});

/**
 * The React entry imports "react" by name, as a bundler resolves it; the demo page has no bundler
 * (and its CSP allows no inline import map), so the name points at the page's React module here.
 */
const REACT_MODULE = '/chat-demo/react/react.mjs';
const resolveReact = (source) => source.replace(/\bfrom "react"/g, `from "${REACT_MODULE}"`);

module.exports = {
  register({ strapi }) {
    const files = demoFiles();
    strapi.server.use(async (ctx, next) => {
      const file = ctx.method === 'GET' && Object.prototype.hasOwnProperty.call(files, ctx.path) ? files[ctx.path] : undefined;
      if (!file) return next();
      ctx.type = 'text/javascript';
      ctx.body = ctx.path === '/chat-demo/imbachat-react.mjs' ? resolveReact(fs.readFileSync(file, 'utf8')) : fs.createReadStream(file);
    });
  },
  async bootstrap({ strapi }) {
    if (process.env.IMBACHAT_PLAYGROUND_SEED === 'false') return;
    await seedPlayground(strapi);
  },
};
