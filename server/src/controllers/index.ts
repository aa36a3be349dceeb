import chatServer from './chat-server';
import frontEnd from './front-end';
import settings from './settings';
import siteUsers from './site-users';
import status from './status';
import dashboard from './dashboard';

export default { 'chat-server': chatServer, 'front-end': frontEnd, settings, 'site-users': siteUsers, status, dashboard };
