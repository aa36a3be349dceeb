import config from '../../server/src/config';

const { validator } = config;

describe('plugin config validation', () => {
  it('accepts the defaults and values as env vars give them', () => {
    expect(() => validator(config.default as unknown as Record<string, unknown>)).not.toThrow();
    expect(() =>
      validator({ widgetId: '123', tokenTtlSeconds: '7200', shareEmail: 'true', apiLogin: undefined, secretKey: '' })
    ).not.toThrow();
  });

  it('names an unknown key', () => {
    expect(() => validator({ widgetID: 'x' })).toThrow(/imbachat\.config\.widgetID is not a known key/);
  });

  it.each([
    ['tokenTtlSeconds', 5, /tokenTtlSeconds is invalid: .*at least 60/],
    ['tokenTtlSeconds', 'soon', /tokenTtlSeconds is invalid/],
    ['searchMode', 'fuzzy', /searchMode is invalid: .*contains, prefix, exact/],
    ['widgetScriptUrl', 'ftp://x/{widgetId}', /widgetScriptUrl is invalid/],
    ['apiLogin', 'a:b', /apiLogin is invalid: .*":"/],
    ['idSeparator', '1', /idSeparator is invalid: .*digits/],
    ['nameField', 'display name', /nameField is invalid/],
  ])('names the bad key %s', (key, value, message) => {
    expect(() => validator({ [key]: value })).toThrow(message);
  });

  it('checks the throttle rules', () => {
    expect(() => validator({ throttle: { basicAuth: { max: 0, windowSeconds: 60 } } })).toThrow(/imbachat\.config\.throttle/);
  });
});
