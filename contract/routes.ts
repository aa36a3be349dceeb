/**
 * The plugin's content-API paths, below `<apiPrefix>/imbachat` (`apiPrefix`: Strapi's
 * `api.rest.prefix`, `/api` unless changed). The one place they are written: the routes, the URLs the
 * admin's Connection page shows, the chat server's status and the client all read them from here.
 */
export const PLUGIN_PATH = '/imbachat';

/** What ImbaChat's chat server calls (HTTP Basic); `param`: the one path segment a route may take. */
export const CHAT_SERVER_PATHS = {
  version: { path: '/v1' },
  usersInfo: { path: '/v1/users', param: 'ids' },
  search: { path: '/v1/search', param: 'key' },
  authUsers: { path: '/v1/auth_users' },
  notifications: { path: '/v1/notifications' },
  friends: { path: '/v1/user/friends', param: 'id' },
} as const;

/** What the site's own front end calls. */
export const FRONT_END_PATHS = { token: '/token', widget: '/widget', dialog: '/dialog' } as const;

export type ChatServerRoute = keyof typeof CHAT_SERVER_PATHS;
export type FrontEndRoute = keyof typeof FRONT_END_PATHS;
