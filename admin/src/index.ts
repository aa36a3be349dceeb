import { PLUGIN_ID } from './pluginId';
import { PERMISSIONS } from './permissions';
import { prefixTranslations, t } from './utils/translation';

/** Settings → ImbaChat: a section of its own, one page per link, each its own route and form. */
const PAGES = [
  { id: 'connection', Component: () => import('./pages/Connection') },
  { id: 'users', Component: () => import('./pages/Users') },
  { id: 'widget', Component: () => import('./pages/Widget') },
  { id: 'notifications', Component: () => import('./pages/Notifications') },
] as const;

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'ImbaChat' });
    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: t('settings.section') },
      PAGES.map(({ id, Component }) => ({
        id: `${PLUGIN_ID}-${id}`,
        to: `${PLUGIN_ID}/${id}`,
        intlLabel: t(`page.${id}.title`),
        permissions: PERMISSIONS.read,
        Component,
      }))
    );
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixTranslations(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};
