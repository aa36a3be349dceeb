import { CHAT_SERVER_PATHS, type ChatServerFailureReason, type ChatServerRoute } from '../../../contract';

/** The chat-server routes whose calls the status records, in the order the admin lists them. */
export const CHAT_SERVER_ROUTES = Object.keys(CHAT_SERVER_PATHS) as readonly ChatServerRoute[];

/** What the Basic check refused a call for, before any route ran. */
export type BasicAuthRefusal = Extract<
  ChatServerFailureReason,
  'wrong-credentials' | 'no-credentials' | 'locked-out' | 'not-configured' | 'unreadable-secret'
>;

/** A path below the plugin's base (`/v1/users/1,2`) as the route it names; its one optional segment where the route takes one. */
const ROUTE_PATTERNS = CHAT_SERVER_ROUTES.map((route): [RegExp, ChatServerRoute] => {
  const spec: { path: string; param?: string } = CHAT_SERVER_PATHS[route];
  const path = spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [new RegExp(`^${path}${spec.param ? '(/[^/]*)?' : ''}/?$`), route];
});

/**
 * The chat-server route a path below the plugin's base (`/api/imbachat`) names, or null for a path
 * no route serves. By path, not by the route Strapi matched: a call refused before routing
 * (malformed JSON, a body too large) is still that route's call.
 */
export const chatServerRouteOf = (subPath: string): ChatServerRoute | null => {
  for (const [pattern, route] of ROUTE_PATTERNS) if (pattern.test(subPath)) return route;
  return null;
};

/** Why a call that answered `status` failed, or null when it did not (below 400). */
export const failureReason = (
  route: ChatServerRoute,
  status: number,
  refusal?: BasicAuthRefusal
): ChatServerFailureReason | null => {
  if (status < 400) return null;
  if (refusal) return refusal;
  if (route === 'authUsers' && status === 403) return 'login-refused';
  if (route === 'authUsers' && status === 429) return 'login-locked-out';
  if (route === 'notifications' && status === 503) return 'outbox-full';
  return status >= 500 ? 'server-error' : 'bad-request';
};
