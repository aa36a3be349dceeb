const fs = require('fs');
const path = require('path');

/**
 * This repository's root (the plugin). Strapi runs the playground's files from playground/ and
 * from playground/dist/, so the path is found rather than counted.
 */
module.exports = function pluginRoot() {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'strapi-plugin-imbachat') return dir;
  }
  throw new Error(`playground: strapi-plugin-imbachat not found above ${__dirname}`);
};
