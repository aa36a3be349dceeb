import { PLUGIN_ID } from './constants';

/** RBAC actions of the admin API; the admin page and the routes' policies use these ids. */
export const ACTIONS = {
  read: `plugin::${PLUGIN_ID}.settings.read`,
  update: `plugin::${PLUGIN_ID}.settings.update`,
  dashboard: `plugin::${PLUGIN_ID}.dashboard.open`,
} as const;

export const ACTION_DEFINITIONS = [
  { section: 'plugins', displayName: 'Read settings', uid: 'settings.read', subCategory: 'settings', pluginName: PLUGIN_ID },
  { section: 'plugins', displayName: 'Edit settings', uid: 'settings.update', subCategory: 'settings', pluginName: PLUGIN_ID },
  { section: 'plugins', displayName: 'Open the moderation dashboard', uid: 'dashboard.open', subCategory: 'dashboard', pluginName: PLUGIN_ID },
];
