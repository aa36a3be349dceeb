import basicAuth from './basic-auth';
import chatServerErrors from './chat-server-errors';

export default { 'basic-auth': basicAuth, 'chat-server-errors': chatServerErrors };
