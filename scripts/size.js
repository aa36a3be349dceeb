#!/usr/bin/env node
// Prints the size of strapi-plugin-imbachat/client as a browser downloads it: minified and gzipped.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const esbuild = require('esbuild');

const LIMIT = 2560;
const file = path.resolve(__dirname, '..', 'dist', 'client', 'index.mjs');
if (!fs.existsSync(file)) {
  console.error('size: build the plugin first (npm run build)');
  process.exit(1);
}
const source = fs.readFileSync(file, 'utf8');
const { code } = esbuild.transformSync(source, { minify: true, format: 'esm', target: 'es2020' });
const gzipped = zlib.gzipSync(code, { level: 9 }).length;
console.log(`client: ${source.length} B built, ${code.length} B minified, ${gzipped} B minified + gzipped (limit ${LIMIT} B)`);
if (gzipped > LIMIT) {
  console.error(`size: the client is over ${LIMIT} B`);
  process.exit(1);
}
