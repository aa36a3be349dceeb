/** Why a call failed, for callers that handle one case apart from the others. */
export type ImbaChatErrorCode = 'insecure-script';

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
