import { PLUGIN_ID } from '../pluginId';
import en from '../translations/en.json';

export type MessageKey = keyof typeof en;

/** A react-intl descriptor for one of the plugin's messages, English as the fallback. */
export const t = (key: MessageKey) => ({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] });

export const prefixTranslations = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));
