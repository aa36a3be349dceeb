import { isIP } from 'node:net';
import type { Core } from '@strapi/strapi';
import type { ApiTestResult } from '../../../contract';
import { credentialsChecker } from '../utils/basic-auth';
import { getService } from './get-service';
import { SELF_TEST_HEADER, selfTestMark } from '../utils/self-test';

const TIMEOUT_MS = 10_000;

/** The form's unsaved credentials, each tested instead of the saved one when given. */
export interface FormCredentials {
  apiLogin?: string;
  apiPassword?: string;
}

/**
 * The admin's "Test API": calls our users-info URL over HTTP as the chat server would, with the
 * saved credentials or the form's (stored nowhere). A run on the saved ones (none given, or the
 * given ones the same as the saved) is recorded as the status's last test, for every instance.
 */
const apiTestService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async run(usersInfoUrl: string, userIds: string, form: FormCredentials = {}): Promise<ApiTestResult> {
    const saved = await getService(strapi, 'settings').get();
    const apiLogin = form.apiLogin ?? saved.apiLogin;
    const apiPassword = form.apiPassword ?? saved.apiPassword;
    // In constant time, and the login as the chat-server routes compare it (case aside).
    const credentials =
      form.apiLogin === undefined && form.apiPassword === undefined
        ? 'saved'
        : credentialsChecker({ login: saved.apiLogin, password: saved.apiPassword })({ login: apiLogin, password: apiPassword })
          ? 'saved'
          : 'form';
    const result = { ...(await this.call(usersInfoUrl, userIds, apiLogin, apiPassword)), credentials } as const;
    if (credentials === 'saved') {
      await getService(strapi, 'status')
        .recordTest(result.status, result.ok)
        .catch((error: Error) => strapi.log.warn(`[imbachat] Could not record the Test API run for the status: ${error.message}`));
    }
    return result;
  },

  /** One call to the users-info URL with these credentials. */
  async call(usersInfoUrl: string, userIds: string, apiLogin: string, apiPassword: string): Promise<ApiTestResult> {
    const url = `${usersInfoUrl}?user_ids=${encodeURIComponent(userIds)}`;
    const refusal = plainHttpRefusal(url);
    if (refusal) return { ok: false, status: 0, url, durationMs: 0, body: { error: refusal } };

    const started = performance.now();
    try {
      const response = await fetch(url, {
        headers: {
          Authorization: `Basic ${Buffer.from(`${apiLogin}:${apiPassword}`).toString('base64')}`,
          Accept: 'application/json',
          [SELF_TEST_HEADER]: selfTestMark(strapi.config.get('admin.auth.secret')),
        },
        // A redirect would carry the credentials to wherever it points: show it, never follow it.
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = resolveLocation(response.headers.get('location'), url);
        return { ok: false, status: response.status, url, durationMs: elapsed(started), body: { error: redirectVerdict(location) } };
      }
      const raw = await response.text();
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Not JSON: show the text as it came.
      }
      return { ok: response.ok, status: response.status, url, durationMs: elapsed(started), body };
    } catch (error) {
      const { name, message, cause } = error as Error & { cause?: { code?: string } };
      const reason = name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : cause?.code ?? message;
      return { ok: false, status: 0, url, durationMs: elapsed(started), body: { error: `Request failed: ${reason}` } };
    }
  },
});

/**
 * Why the credentials must not go to `url`, or null when they may: plain http is allowed only to
 * this machine's loopback, where nothing on the network can read them.
 */
export const plainHttpRefusal = (url: string): string | null => {
  const { protocol, hostname, host } = new URL(url);
  if (protocol !== 'http:' || isLoopback(hostname)) return null;
  return (
    `Not sent: the users-info URL is plain http on ${host}, so the API login and password would cross the network ` +
    'unencrypted, and the chat server would send them the same way. Set Strapi\'s server.url (config/server) to the ' +
    `site's https address (e.g. https://${hostname}), then test again.`
  );
};

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and `localhost`. */
export const isLoopback = (hostname: string): boolean => {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name === '::1') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  // WHATWG URLs write ::ffff:127.0.0.1 as ::ffff:7f00:1.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(name);
};

const resolveLocation = (location: string | null, base: string): string | null => {
  if (!location) return null;
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
};

const redirectVerdict = (location: string | null) =>
  `The users-info URL redirected to ${location ?? '(no Location header)'} — not followed, so the credentials stay here. ` +
  'Give the chat server the final address instead: set Strapi\'s server.url to the address the site answers at ' +
  '(https, with or without www, as the redirect shows) and copy the endpoints into the ImbaChat cabinet again.';

const elapsed = (started: number) => Math.round(performance.now() - started);

export default apiTestService;
