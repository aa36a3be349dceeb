import chatServer from './chat-server';
import frontEnd from './front-end';
import settings from './settings';

export default { 'chat-server': chatServer, 'front-end': frontEnd, settings };
