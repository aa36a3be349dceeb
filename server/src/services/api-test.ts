import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

export interface ApiTestResult {
  ok: boolean;
  status: number;
  url: string;
  durationMs: number;
  body: unknown;
}

const TIMEOUT_MS = 10_000;

/** The admin's "Test API": calls our users-info URL over HTTP with the stored credentials, as the chat server would. */
const apiTestService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async run(usersInfoUrl: string, userIds: string): Promise<ApiTestResult> {
    const { apiLogin, apiPassword } = await getService(strapi, 'settings').get();
    const url = `${usersInfoUrl}?user_ids=${encodeURIComponent(userIds)}`;
    const started = performance.now();
    try {
      const response = await fetch(url, {
        headers: {
          Authorization: `Basic ${Buffer.from(`${apiLogin}:${apiPassword}`).toString('base64')}`,
          Accept: 'application/json',
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
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

const elapsed = (started: number) => Math.round(performance.now() - started);

export default apiTestService;
