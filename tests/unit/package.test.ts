import pkg from '../../package.json';

// The peer range promises only what the suite runs on: its floor is the Strapi the tests install.
describe('package.json peer range', () => {
  it.each(['@strapi/strapi', '@strapi/utils'])('%s starts at the version the tests run on', (name) => {
    const tested = (pkg.devDependencies as Record<string, string>)[name];
    expect((pkg.peerDependencies as Record<string, string>)[name]).toBe(`^${tested}`);
  });
});
