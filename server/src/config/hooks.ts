import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../../contract';

/**
 * What a site may hand the plugin in `config/plugins` as code (README: "Adding to the user
 * objects", friends, dialogs), and the limits each call runs under. The runners are services
 * (services/extend-users.ts, friends-of.ts, can-open-dialog.ts); the start-up check is index.ts.
 */

/** Which route the batch is for (`friends`: a user's friends, GET /v1/user/friends/:id). */
export type ExtendRoute = 'users' | 'search' | 'friends';

/**
 * `config/plugins` → `imbachat.config.extendUsers`: called once per users-by-id and search request
 * with the chat users about to be sent (copies) and the site's `strapi`; answers the batch, each
 * user with whatever the site adds. It sees no settings and no secret.
 */
export type ExtendUsers = (
  users: ChatUser[],
  context: { strapi: Core.Strapi; route: ExtendRoute }
) => ChatUser[] | Promise<ChatUser[]> | unknown;

/** Longer than this, the request is answered without the hook's work (which is let run out). */
export const EXTEND_USERS_TIMEOUT_MS = 3000;

/** Hook calls one instance lets run at once (`extendUsersConcurrency`); beyond, requests are answered without it. */
export const EXTEND_USERS_CONCURRENCY = 4;

/** Friends one user is answered with at most (GET /v1/user/friends/:id). */
export const MAX_FRIENDS = 1000;

/**
 * `config/plugins` → `imbachat.config.friendsOf`: the user's friends, for sites that keep them
 * elsewhere than in a relation of the user model. Answers an array of user ids (numbers or digit
 * strings) or of objects with `id` (users as Strapi's query engine gives them) or `user_id`.
 */
export type FriendsOf = (userId: number, context: { strapi: Core.Strapi }) => unknown;

/**
 * `config/plugins` → `imbachat.config.canOpenDialog`: whether `initiator` may write to `user_id`
 * first. `"default"` opens the dialog, `"need_access"` opens it once the other user accepts,
 * `false` refuses. Anything else (a throw, a timeout, another answer) refuses too.
 */
export type CanOpenDialog = (
  dialog: { initiator: number; user_id: number },
  context: { strapi: Core.Strapi }
) => 'default' | 'need_access' | false | Promise<'default' | 'need_access' | false>;

/** How long the hook may take; longer, the dialog is refused (`canOpenDialogTimeoutMs`). */
export const CAN_OPEN_DIALOG_TIMEOUT_MS = 3000;

/** Hook calls one instance lets run at once (`canOpenDialogConcurrency`), as for extendUsers; beyond, a request is refused. */
export const CAN_OPEN_DIALOG_CONCURRENCY = 4;

/** Dialog tokens one user may get per window (`dialogTokens`), counted across instances. */
export const DIALOG_TOKENS_RULE = { max: 60, windowSeconds: 60 };
