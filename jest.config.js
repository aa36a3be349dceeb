/**
 * Every suite, as `npm test` runs it: unit tests import the TypeScript sources; integration tests
 * boot the playground on the built plugin (`pretest` builds both). `npm run test:unit` runs the
 * unit tests alone with jest.unit.config.js.
 */
module.exports = {
  testEnvironment: 'node',
  // Strapi sets global.strapi; the suites clean up after themselves.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
  // A folder for the Strapi logs of the run, removed at its end.
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 2,
};
