#!/usr/bin/env node
// Refreshes the pictures README.md shows: runs the browser tests with their screenshots in a
// temporary folder, then copies each docs/*.png that README names from there into docs/.
// `npm run docs:screenshots` builds the plugin and the playground's admin first; arguments go to jest.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const docs = path.join(root, 'docs');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pictures = [...new Set([...readme.matchAll(/\bdocs\/([\w.-]+\.png)\b/g)].map((match) => match[1]))];

const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-screenshots-'));
try {
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '-c', 'jest.e2e.config.js', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit', env: { ...process.env, IMBACHAT_SCREENSHOTS: shots } }
  );
  if (jest.status !== 0) {
    console.error('docs:screenshots: the browser tests failed; docs/ is unchanged');
    process.exit(jest.status ?? 1);
  }
  const missing = pictures.filter((name) => !fs.existsSync(path.join(shots, name)));
  if (missing.length) {
    console.error(`docs:screenshots: README shows ${missing.join(', ')}, which no browser test took; docs/ is unchanged`);
    process.exit(1);
  }
  for (const name of pictures) {
    fs.copyFileSync(path.join(shots, name), path.join(docs, name));
    console.log(`docs/${name}`);
  }
} finally {
  fs.rmSync(shots, { recursive: true, force: true });
}
