import settings from './settings';
import userFields from './user-fields';
import users from './users';
import siteAuth from './site-auth';
import chatToken from './chat-token';
import throttle from './throttle';
import apiTest from './api-test';
import searchIndex from './search-index';
import lastSeen from './last-seen';
import notifications from './notifications';
import outbox from './outbox';
import status from './status';
import testEmail from './test-email';
import dialogToken from './dialog-token';
import notificationEvents from './notification-events';
import dashboard from './dashboard';
import frontEnd from './front-end';

export default {
  settings,
  userFields,
  users,
  siteAuth,
  chatToken,
  throttle,
  apiTest,
  searchIndex,
  lastSeen,
  notifications,
  outbox,
  status,
  testEmail,
  dialogToken,
  notificationEvents,
  dashboard,
  frontEnd,
};
