import { CHAT_SERVER_PATHS as chat, FRONT_END_PATHS as front } from '../../../contract';

// Served under /api/imbachat; the paths are the contract's. `auth: false` keeps users-permissions
// out: the chat-server routes run their own Basic check, the front-end routes verify the user's JWT
// themselves.
const chatServer = {
  auth: false as const,
  middlewares: ['plugin::imbachat.basic-auth'],
};
const publicRoute = { auth: false as const };
const withParam = ({ path, param }: { path: string; param: string }) => `${path}/:${param}`;

export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: chat.version.path, handler: 'chat-server.version', config: publicRoute },
    { method: 'GET', path: withParam(chat.usersInfo), handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'GET', path: chat.usersInfo.path, handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'POST', path: chat.usersInfo.path, handler: 'chat-server.usersInfo', config: chatServer },
    { method: 'GET', path: withParam(chat.search), handler: 'chat-server.search', config: chatServer },
    { method: 'GET', path: chat.search.path, handler: 'chat-server.search', config: chatServer },
    { method: 'POST', path: chat.authUsers.path, handler: 'chat-server.authUsers', config: chatServer },
    { method: 'POST', path: chat.notifications.path, handler: 'chat-server.notifications', config: chatServer },
    { method: 'GET', path: withParam(chat.friends), handler: 'chat-server.friends', config: chatServer },
    { method: 'GET', path: front.token, handler: 'front-end.token', config: publicRoute },
    { method: 'GET', path: front.widget, handler: 'front-end.widget', config: publicRoute },
    { method: 'POST', path: front.dialog, handler: 'front-end.dialog', config: publicRoute },
  ],
};
