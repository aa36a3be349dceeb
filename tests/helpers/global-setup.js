// One folder of the system's temporary directory for this jest run: the Strapi logs (one log per
// test file, see startStrapi) and, through TMPDIR, whatever the tests and the Strapi they boot put in
// a temporary directory. The workers inherit both variables; global-teardown.js checks that the
// tests removed what they made and removes the folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-run-'));
  process.env.IMBACHAT_TEST_RUN = run;
  process.env.IMBACHAT_TEST_LOGS = path.join(run, 'logs');
  fs.mkdirSync(process.env.IMBACHAT_TEST_LOGS);
  process.env.IMBACHAT_SYSTEM_TMPDIR = os.tmpdir();
  // Open like the system's own: a throw-away PostgreSQL runs as the postgres user and makes its folder here.
  fs.chmodSync(run, 0o755);
  process.env.TMPDIR = path.join(run, 'tmp');
  fs.mkdirSync(process.env.TMPDIR);
  fs.chmodSync(process.env.TMPDIR, 0o1777);
};
