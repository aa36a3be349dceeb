// Served under /api/imbachat. `auth: false` keeps users-permissions out: the chat-server routes
// run their own Basic check, the token route verifies the user's JWT itself.
const chatServer = {
  auth: false as const,
  middlewares: ['plugin::imbachat.basic-auth'],
};
const publicRoute = { auth: false as const };

export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/v1', handler: 'chat-server.version', config: { auth: false } },
    { method: 'GET', path: '/v1/users/:ids', handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'GET', path: '/v1/users', handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'POST', path: '/v1/users', handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'GET', path: '/v1/search/:key', handler: 'chat-server.search', config: chatServer },
    { method: 'GET', path: '/v1/search', handler: 'chat-server.search', config: chatServer },
    { method: 'POST', path: '/v1/auth_users', handler: 'chat-server.authUsers', config: chatServer },
    { method: 'POST', path: '/v1/notifications', handler: 'chat-server.notifications', config: chatServer },
    { method: 'GET', path: '/v1/user/friends/:id', handler: 'chat-server.friends', config: chatServer },
    { method: 'GET', path: '/token', handler: 'front-end.token', config: publicRoute },
    { method: 'GET', path: '/widget', handler: 'front-end.widget', config: publicRoute },
    { method: 'POST', path: '/dialog', handler: 'front-end.dialog', config: publicRoute },
  ],
};
