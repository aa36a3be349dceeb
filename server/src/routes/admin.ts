import { ACTIONS } from '../permissions';

const allowed = (action: string) => ({
  policies: [{ name: 'admin::hasPermissions', config: { actions: [action] } }],
});

// Served under /imbachat with an admin JWT.
export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'settings.find', config: allowed(ACTIONS.read) },
    { method: 'PUT', path: '/settings', handler: 'settings.update', config: allowed(ACTIONS.update) },
    { method: 'POST', path: '/settings/test', handler: 'settings.test', config: allowed(ACTIONS.update) },
    { method: 'POST', path: '/settings/test-email', handler: 'settings.testEmail', config: allowed(ACTIONS.update) },
    { method: 'GET', path: '/status', handler: 'status.find', config: allowed(ACTIONS.read) },
    { method: 'DELETE', path: '/status/lockouts/:key', handler: 'status.unlock', config: allowed(ACTIONS.update) },
    { method: 'GET', path: '/users', handler: 'site-users.find', config: allowed(ACTIONS.read) },
    { method: 'POST', path: '/dashboard', handler: 'dashboard.open', config: allowed(ACTIONS.dashboard) },
  ],
};
