import { PLUGIN_ID } from './pluginId';

const PERMISSIONS_READ = [{ action: `plugin::${PLUGIN_ID}.settings.read`, subject: null }];

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'ImbaChat' });
    app.addSettingsLink('global', {
      id: PLUGIN_ID,
      to: PLUGIN_ID,
      intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: 'ImbaChat' },
      permissions: PERMISSIONS_READ,
      Component: () => import('./pages/SettingsPlaceholder'),
    });
  },
};
