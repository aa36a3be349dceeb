// The admin panel of the playground offers every language the plugin ships besides English.
export default {
  config: { locales: ['ru', 'de', 'fr', 'es', 'it', 'pt-BR', 'zh-Hans'] },
  bootstrap() {},
};
