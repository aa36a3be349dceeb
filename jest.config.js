/** Unit tests import the TypeScript sources; integration tests boot the playground on the built plugin. */
module.exports = {
  testEnvironment: 'node',
  // Strapi sets global.strapi; the suites clean up after themselves.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
  testTimeout: 60_000,
  maxWorkers: 2,
};
