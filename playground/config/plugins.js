const pluginRoot = require('../src/plugin-root');

module.exports = ({ env }) => ({
  imbachat: {
    enabled: true,
    // The plugin from this repository (its dist/, so `npm run build` first; `npm start` does).
    resolve: pluginRoot(),
    // Anything set here is locked in the admin page. Unset env vars leave the admin in charge.
    config: {
      widgetId: env('IMBACHAT_WIDGET_ID'),
      widgetScriptUrl: env('IMBACHAT_WIDGET_SCRIPT_URL'),
      apiLogin: env('IMBACHAT_API_LOGIN'),
      apiPassword: env('IMBACHAT_API_PASSWORD'),
      secretKey: env('IMBACHAT_SECRET_KEY'),
      tokenTtlSeconds: env('IMBACHAT_TOKEN_TTL'),
      nameField: env('IMBACHAT_NAME_FIELD'),
      avatarField: env('IMBACHAT_AVATAR_FIELD'),
      chatRoles: env('IMBACHAT_CHAT_ROLES'),
      // JSON: {"moderator":{"chat_role":"admin"}}
      roleMap: env('IMBACHAT_ROLE_MAP'),
      guests: env('IMBACHAT_GUESTS'), widgetOptions: env('IMBACHAT_WIDGET_OPTIONS'), // JSON: {"theme":"dark"}
      // The chat server's own address belongs here, so no one can lock it out.
      throttle: { trustedIps: env.array('IMBACHAT_TRUSTED_IPS', []) },
      // The guide's `profiles` map, added to every user object by the site's own hook.
      extendUsers: env.bool('IMBACHAT_PROFILES_HOOK', false) ? require('../src/extend-users') : undefined,
      nameTemplate: env('IMBACHAT_NAME_TEMPLATE'),
      friendsField: env('IMBACHAT_FRIENDS_FIELD'),
      // The site's own friends (objects, ids, throw or slow): users on the same plan.
      friendsOf: env('IMBACHAT_FRIENDS_HOOK') ? require('../src/friends-of')(env('IMBACHAT_FRIENDS_HOOK')) : undefined,
    },
  },
  // Notification emails go through Strapi's email plugin: an SMTP server when SMTP_HOST is set
  // (the tests start one), Strapi's default provider (sendmail) otherwise.
  ...(env('SMTP_HOST')
    ? {
        email: {
          config: {
            provider: 'nodemailer',
            providerOptions: {
              host: env('SMTP_HOST'),
              port: env.int('SMTP_PORT', 587),
              secure: env.bool('SMTP_SECURE', false),
              ...(env('SMTP_USERNAME') ? { auth: { user: env('SMTP_USERNAME'), pass: env('SMTP_PASSWORD') } } : {}),
            },
            settings: { defaultFrom: env('SMTP_FROM', 'ImbaChat playground <no-reply@playground.test>') },
          },
        },
      }
    : {}),
  // GraphQL (/graphql), on unless PLAYGROUND_GRAPHQL=false: the plugin then adds imbachatToken,
  // imbachatWidget and imbachatDialog to the schema; a browser at /graphql gets Apollo's sandbox.
  // Limits set, and no schema files written here.
  graphql: {
    enabled: env.bool('PLAYGROUND_GRAPHQL', true),
    config: { depthLimit: 10, defaultLimit: 25, maxLimit: 100, generateArtifacts: false, landingPage: true },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') },
  },
});
