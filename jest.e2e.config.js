/**
 * Browser tests: the built playground (admin panel included) in Debian's Chromium. Their pictures
 * go to test-results/screenshots; `npm run docs:screenshots` copies README's into docs/.
 */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // A folder for the Strapi logs of the run, removed at its end.
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.js',
  testTimeout: 120_000,
  maxWorkers: 1,
};
