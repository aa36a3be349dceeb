import { PLUGIN_ID } from './pluginId';

export const PERMISSIONS = {
  read: [{ action: `plugin::${PLUGIN_ID}.settings.read`, subject: null }],
  update: [{ action: `plugin::${PLUGIN_ID}.settings.update`, subject: null }],
  dashboard: [{ action: `plugin::${PLUGIN_ID}.dashboard.open`, subject: null }],
};
