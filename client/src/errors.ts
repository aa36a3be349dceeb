/**
 * Why a call failed, for callers that handle one case apart from the others: a script that is not
 * https, an `apiPrefix` that is not a path, or (`strapi-plugin-imbachat/react`'s openDialog) no chat
 * for this visitor: guest mode is off, the user logged out, or another user logged in after them (a
 * page load is needed).
 */
export type ImbaChatErrorCode = 'insecure-script' | 'bad-api-prefix' | 'guests-off' | 'logged-out' | 'reload-needed';

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
