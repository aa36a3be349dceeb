import { CHAT_SERVER_ROUTES, chatServerRouteOf, failureReason } from '../../server/src/utils/chat-server-status';

describe('chatServerRouteOf (paths below /api/imbachat)', () => {
  it.each([
    ['/v1', 'version'],
    ['/v1/', 'version'],
    ['/v1/users', 'usersInfo'],
    ['/v1/users/', 'usersInfo'],
    ['/v1/users/1,2,3', 'usersInfo'],
    ['/v1/search', 'search'],
    ['/v1/search/ali', 'search'],
    ['/v1/auth_users', 'authUsers'],
    ['/v1/notifications', 'notifications'],
    ['/v1/nowhere', null],
    ['/v2/users', null],
    ['/token', null],
    ['/v1/users/1/2', null],
    ['/v1/auth_users/x', null],
    ['/v1/user/friends/1', 'friends'],
    ['/v1/user/friends/', 'friends'],
    ['/v1/user/friends/1/2', null],
    ['/v1/user/1', null],
  ])('%p is %p', (path, route) => {
    expect(chatServerRouteOf(path)).toBe(route);
  });

  it('lists the six routes the contract names', () => {
    expect(CHAT_SERVER_ROUTES).toEqual(['version', 'usersInfo', 'search', 'authUsers', 'notifications', 'friends']);
  });
});

describe('failureReason', () => {
  it('is null for an answer below 400', () => {
    expect(failureReason('usersInfo', 200)).toBeNull();
    expect(failureReason('usersInfo', 304)).toBeNull();
  });

  it('takes what the Basic check refused the call for over the status', () => {
    expect(failureReason('usersInfo', 401, 'wrong-credentials')).toBe('wrong-credentials');
    expect(failureReason('usersInfo', 401, 'no-credentials')).toBe('no-credentials');
    expect(failureReason('authUsers', 429, 'locked-out')).toBe('locked-out');
    expect(failureReason('notifications', 503, 'not-configured')).toBe('not-configured');
    expect(failureReason('search', 503, 'unreadable-secret')).toBe('unreadable-secret');
  });

  it('names what a route refused for itself', () => {
    expect(failureReason('authUsers', 403)).toBe('login-refused');
    expect(failureReason('authUsers', 429)).toBe('login-locked-out');
    expect(failureReason('notifications', 503)).toBe('outbox-full');
    expect(failureReason('usersInfo', 400)).toBe('bad-request');
    expect(failureReason('search', 415)).toBe('bad-request');
    expect(failureReason('usersInfo', 500)).toBe('server-error');
    expect(failureReason('search', 503)).toBe('server-error');
  });
});
