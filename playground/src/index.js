const { seedPlayground } = require('./seed');

module.exports = {
  register() {},
  async bootstrap({ strapi }) {
    if (process.env.IMBACHAT_PLAYGROUND_SEED === 'false') return;
    await seedPlayground(strapi);
  },
};
