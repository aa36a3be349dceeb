import type { ApiTestRequest, ApiTestResult, ChatUser } from '../../../contract';
import type { PageValues } from './form-values';

/**
 * The form's API login and password for Test API when the admin changed either, so it tests what
 * the form holds: the login as typed, and the password only when one was typed (the saved one is
 * unknown to the browser, and one marked for removal is no password to test). Nothing when both
 * are as saved: the server then tests, and records, the saved ones.
 */
export const formCredentials = (values: PageValues, initial: PageValues): Pick<ApiTestRequest, 'apiLogin' | 'apiPassword'> => {
  const passwordTyped = typeof values.apiPassword === 'string' && values.apiPassword !== '';
  const loginChanged = values.apiLogin !== undefined && values.apiLogin !== initial.apiLogin;
  if (!passwordTyped && !loginChanged) return {};
  return {
    apiLogin: values.apiLogin ?? '',
    ...(passwordTyped ? { apiPassword: values.apiPassword as string } : {}),
  };
};

export type Verdict =
  | { kind: 'ok'; users: ChatUser[] }
  | { kind: 'none-found' }
  | { kind: 'refused' }
  | { kind: 'refused-unsaved' }
  | { kind: 'locked-out' }
  | { kind: 'unconfigured' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'status'; status: number };

const errorOf = (body: unknown): string | null =>
  body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : null;

const isChatUser = (value: unknown): value is ChatUser =>
  !!value && typeof value === 'object' && typeof (value as ChatUser).user_id === 'number' && typeof (value as ChatUser).name === 'string';

/** What a Test API result means for the admin, read from its status and answer. */
export const verdictOf = (result: ApiTestResult): Verdict => {
  if (result.ok && Array.isArray(result.body)) {
    const users = result.body.filter(isChatUser);
    return users.length ? { kind: 'ok', users } : { kind: 'none-found' };
  }
  // Typed, not saved: the site still checks the saved values, and refuses the chat server likewise.
  if (result.status === 401) return { kind: result.credentials === 'form' ? 'refused-unsaved' : 'refused' };
  if (result.status === 429) return { kind: 'locked-out' };
  if (result.status === 503) return { kind: 'unconfigured' };
  // No answer (not sent, unreachable, a redirect not followed): the server says why in words.
  const reason = errorOf(result.body);
  if (result.status === 0 || (result.status >= 300 && result.status < 400)) return { kind: 'unreachable', reason: reason ?? '' };
  return { kind: 'status', status: result.status };
};
