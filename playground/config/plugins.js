const fs = require('fs');
const path = require('path');

// This repository's root: Strapi reads this file from playground/config (admin build) and from
// playground/dist/config (server), so the path is found rather than counted.
const pluginRoot = () => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'strapi-plugin-imbachat') return dir;
  }
  throw new Error('playground: strapi-plugin-imbachat not found above ' + __dirname);
};

module.exports = ({ env }) => ({
  imbachat: {
    enabled: true,
    // The plugin from this repository (its dist/, so `npm run build` first; `npm start` does).
    resolve: pluginRoot(),
    // Anything set here is locked in the admin page. Unset env vars leave the admin in charge.
    config: {
      widgetId: env('IMBACHAT_WIDGET_ID'),
      apiLogin: env('IMBACHAT_API_LOGIN'),
      apiPassword: env('IMBACHAT_API_PASSWORD'),
      secretKey: env('IMBACHAT_SECRET_KEY'),
      tokenTtlSeconds: env('IMBACHAT_TOKEN_TTL'),
      nameField: env('IMBACHAT_NAME_FIELD'),
      avatarField: env('IMBACHAT_AVATAR_FIELD'),
    },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') },
  },
});
