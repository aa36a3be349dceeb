const fs = require('node:fs');

module.exports = async () => {
  if (process.env.IMBACHAT_TEST_LOGS) fs.rmSync(process.env.IMBACHAT_TEST_LOGS, { recursive: true, force: true });
};
