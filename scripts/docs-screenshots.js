#!/usr/bin/env node
// Refreshes the pictures in docs/: runs the browser tests with their screenshots in a temporary
// folder, then copies every picture they took into docs/. On a full run (no arguments) a docs/*.png
// that no test takes any more is removed. It says which pictures README shows that no test took.
// `npm run docs:screenshots` builds the plugin and the playground's admin first; arguments go to jest.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const docs = path.join(root, 'docs');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const shown = [...new Set([...readme.matchAll(/\bdocs\/([\w.-]+\.png)\b/g)].map((match) => match[1]))];
const fullRun = process.argv.length <= 2;

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
  const taken = fs.readdirSync(shots).filter((name) => name.endsWith('.png')).sort();
  for (const name of taken) {
    fs.copyFileSync(path.join(shots, name), path.join(docs, name));
    console.log(`docs/${name}`);
  }
  if (fullRun) {
    for (const name of fs.readdirSync(docs).filter((file) => file.endsWith('.png') && !taken.includes(file))) {
      fs.rmSync(path.join(docs, name));
      console.log(`docs/${name} removed: no browser test takes it any more`);
    }
    const missing = shown.filter((name) => !taken.includes(name));
    if (missing.length) console.warn(`docs:screenshots: README shows ${missing.join(', ')}, which no browser test took`);
  }
} finally {
  fs.rmSync(shots, { recursive: true, force: true });
}
