import { PLUGIN_ID } from './pluginId';
import { PERMISSIONS } from './permissions';
import { prefixTranslations } from './utils/translation';

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'ImbaChat' });
    app.addSettingsLink('global', {
      id: PLUGIN_ID,
      to: PLUGIN_ID,
      intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: 'ImbaChat' },
      permissions: PERMISSIONS.read,
      Component: () => import('./pages/Settings'),
    });
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
