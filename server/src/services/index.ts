import settings from './settings';
import userFields from './user-fields';
import users from './users';
import userRows from './user-rows';
import chatToken from './chat-token';
import throttle from './throttle';
import apiTest from './api-test';

export default { settings, userFields, users, userRows, chatToken, throttle, apiTest };
