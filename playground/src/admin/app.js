// The admin panel of the playground offers Russian besides English (the plugin ships both).
export default {
  config: { locales: ['ru'] },
  bootstrap() {},
};
