/**
 * Why a call failed, for callers that handle one case apart from the others:
 * - `insecure-script`: the widget script is not https; `bad-api-prefix`: `apiPrefix` is not a path;
 * - `widget-timeout`: the widget did not arrive in time;
 * - `bad-slug`: `embedChat`'s slug is not a safe element id; `bad-user-id`: not a user id;
 * - `openDialog` with a JWT, the site's answer: `dialog-refused` (403, the site's `canOpenDialog`
 *   said no), `unknown-user` (404, no such user or blocked), `self-dialog` (400, oneself),
 *   `rate-limited` (429), `unauthorized` (401, the JWT is bad or expired);
 * - (`strapi-plugin-imbachat/react`) no chat for this visitor: guest mode is off (`guests-off`), the
 *   user logged out (`logged-out`), or another user logged in after them (`reload-needed`).
 */
export type ImbaChatErrorCode =
  | 'insecure-script'
  | 'bad-api-prefix'
  | 'widget-timeout'
  | 'bad-slug'
  | 'bad-user-id'
  | 'dialog-refused'
  | 'unknown-user'
  | 'self-dialog'
  | 'rate-limited'
  | 'unauthorized'
  | 'guests-off'
  | 'logged-out'
  | 'reload-needed';

/** A failure with the HTTP status that caused it (0 when no answer came: network, timeout, refusal). */
export class ImbaChatError extends Error {
  readonly status: number;
  readonly code?: ImbaChatErrorCode;

  constructor(message: string, status: number, code?: ImbaChatErrorCode) {
    super(message);
    this.name = 'ImbaChatError';
    this.status = status;
    this.code = code;
  }
}
