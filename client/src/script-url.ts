// A page served from the developer's own machine may load a local stand-in over plain http.
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])$|\.localhost$/;

/**
 * Whether the widget script may be added to this page: only https, since the script runs with the
 * page's rights and http can be rewritten on the way; http too while the page is on localhost.
 * Relative and unparseable URLs are refused.
 */
export const scriptUrlAllowed = (scriptUrl: string, page: { hostname: string }): boolean => {
  let protocol: string;
  try {
    protocol = new URL(scriptUrl).protocol;
  } catch {
    return false;
  }
  return protocol === 'https:' || (protocol === 'http:' && LOCAL_HOST.test(page.hostname));
};
