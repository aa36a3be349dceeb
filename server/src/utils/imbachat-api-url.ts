import { hostReach } from './public-url-check';

/** ImbaChat's API, where the moderation dashboard's support user is asked for (`imbachatApiUrl`). */
export const IMBACHAT_API_URL = 'https://api.imbachat.com';

/** How long ImbaChat's API may take to answer the dashboard's question (`dashboardTimeoutMs`). */
export const DASHBOARD_TIMEOUT_MS = 10_000;

/**
 * Why a value cannot be ImbaChat's API base URL, or null: it carries the Secret key, so https only,
 * or plain http to this machine (a stand-in API in tests); no credentials, query or fragment.
 */
export const imbachatApiUrlProblem = (value: unknown): string | null => {
  if (typeof value !== 'string') return 'must be a URL such as https://api.imbachat.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://api.imbachat.com';
  }
  if (url.username || url.password || url.search || url.hash) return 'must have no credentials, query or fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && hostReach(url.hostname) === 'loopback') return null;
  return 'must be https (plain http only to a loopback address such as 127.0.0.1)';
};

/** The base URL without its trailing slashes, for joining paths. */
export const imbachatApiBase = (value: string) => value.replace(/\/+$/, '');
