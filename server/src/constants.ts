export const PLUGIN_ID = 'imbachat';
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';

/** The ImbaChat API version our chat-server routes speak. */
export const API_VERSION = 1;

/** Most ids one users-by-id request may ask for. */
export const MAX_USER_IDS = 1000;

/** Ids above this are not ids of any row: PostgreSQL and MySQL use 32-bit integer keys. */
export const MAX_ROW_ID = 2147483647;

export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 100;
export const SEARCH_TERM_MAX_LENGTH = 100;
