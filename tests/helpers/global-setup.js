// One folder for the Strapi logs of this jest run (one log per test file, see startStrapi);
// the workers inherit the variable, global-teardown.js removes the folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  process.env.IMBACHAT_TEST_LOGS = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-test-logs-'));
};
