export const PLUGIN_ID = 'imbachat';
