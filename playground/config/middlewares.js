module.exports = [
  'strapi::logger',
  'strapi::errors',
  {
    name: 'strapi::security',
    config: {
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          // The chat demo page loads ImbaChat's widget, which talks to ImbaChat's servers.
          'script-src': ["'self'", 'https://api.imbachat.com', 'https://imbachat.com'],
          'connect-src': ["'self'", 'https:', 'wss:'],
          'img-src': ["'self'", 'data:', 'blob:', 'https:'],
          'frame-src': ["'self'", 'https://api.imbachat.com', 'https://imbachat.com'],
        },
      },
    },
  },
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
