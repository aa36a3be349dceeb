import config from '../../server/src/config';

const { validator } = config;

/** throttle as Strapi hands it to the check: the site's keys over the defaults. */
const throttle = (over: Record<string, unknown>) => ({ throttle: { ...config.default.throttle, ...over } });

/** The start-up check's message for a config, or null when it passes. */
const messageOf = (value: Record<string, unknown>) => {
  try {
    validator(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('config/plugins: every operational object refuses a key it does not know, naming it', () => {
  it.each([
    ['dialogTokens', { dialogTokens: { max: 5, windowSeconds: 60, burst: 2 } }, /imbachat\.config\.dialogTokens is invalid: .*unknown key: burst/],
    ['throttle.basicAuth', throttle({ basicAuth: { max: 5, windowSeconds: 60, burst: 2 } }), /imbachat\.config\.throttle is invalid: basicAuth has an unknown key: burst/],
    ['throttle.authUsers', throttle({ authUsers: { max: 5, windowSeconds: 60, windowsSeconds: 60 } }), /imbachat\.config\.throttle is invalid: .*windowsSeconds/],
    ['throttle', throttle({ trustedIPs: ['127.0.0.1'] }), /imbachat\.config\.throttle is invalid: .*unknown key: trustedIPs/],
  ])('%s', (_where, value, message) => {
    expect(messageOf(value)).toMatch(message);
  });

  it('says which keys belong there', () => {
    expect(messageOf({ dialogTokens: { max: 5, windowSeconds: 60, burst: 2 } })).toMatch(/only max and windowSeconds/);
    expect(messageOf(throttle({ trustedIPs: [] }))).toMatch(/only basicAuth, authUsers and trustedIps/);
  });

  it('still takes numbers as env vars give them, and the defaults', () => {
    expect(messageOf({ dialogTokens: { max: '5', windowSeconds: '60' } })).toBeNull();
    expect(messageOf(throttle({ basicAuth: { max: '5', windowSeconds: 60 }, trustedIps: ['10.0.0.0/8'] }))).toBeNull();
    expect(messageOf(config.default as unknown as Record<string, unknown>)).toBeNull();
  });
});

describe('canOpenDialogConcurrency', () => {
  it('defaults to extendUsersConcurrency\'s default (4) and takes 1 to 100, also as a string', () => {
    expect(config.default.canOpenDialogConcurrency).toBe(4);
    expect(config.default.canOpenDialogConcurrency).toBe(config.default.extendUsersConcurrency);
    for (const value of [1, 100, '8']) expect(messageOf({ canOpenDialogConcurrency: value })).toBeNull();
  });

  it.each([0, 101, 2.5, 'many'])('refuses %p, naming the key', (value) => {
    expect(messageOf({ canOpenDialogConcurrency: value })).toMatch(/imbachat\.config\.canOpenDialogConcurrency is invalid/);
  });
});
