// Removes this run's folder (global-setup.js). A test must remove the folders it makes: any of the
// plugin's own (`imbachat-*`) still there fails the run, named, once the folder is gone.
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const run = process.env.IMBACHAT_TEST_RUN;
  if (!run) return;
  const tmp = path.join(run, 'tmp');
  const left = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((name) => name.startsWith('imbachat-')) : [];
  fs.rmSync(run, { recursive: true, force: true });
  if (process.env.IMBACHAT_SYSTEM_TMPDIR) process.env.TMPDIR = process.env.IMBACHAT_SYSTEM_TMPDIR;
  if (left.length > 0) throw new Error(`Tests left these in the temporary directory: ${left.join(', ')}`);
};
