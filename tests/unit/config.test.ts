import config from '../../server/src/config';

const { validator } = config;

describe('plugin config validation', () => {
  it('accepts the defaults and values as env vars give them', () => {
    expect(() => validator(config.default as unknown as Record<string, unknown>)).not.toThrow();
    expect(() =>
      validator({ widgetId: '123', tokenTtlSeconds: '7200', shareEmail: 'true', apiLogin: undefined, secretKey: '' })
    ).not.toThrow();
  });

  it('takes a site address over https (or http on this machine) and a site-wide email budget', () => {
    expect(() => validator({ siteUrl: 'https://www.example.com', notifyMaxPerMinute: '120', outboxMax: 5000 })).not.toThrow();
    expect(() => validator({ siteUrl: 'https://www.example.com/app/' })).not.toThrow();
    expect(() => validator({ siteUrl: 'http://localhost:3000' })).not.toThrow();
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
    ['widgetScriptUrl', 'http://cdn.example.com/{widgetId}.js', /widgetScriptUrl is invalid: .*https/],
    ['secretKey', 'too-short-key', /secretKey is invalid: .*at least 16 characters/],
    ['siteUrl', 'http://www.example.com', /siteUrl is invalid: .*https/],
    ['siteUrl', 'www.example.com', /siteUrl is invalid: .*https/],
    ['siteUrl', 'https://user:pass@www.example.com', /siteUrl is invalid/],
    ['siteUrl', 'https://www.example.com/?next=x', /siteUrl is invalid/],
    ['siteUrl', 'javascript:alert(1)', /siteUrl is invalid/],
    ['notifyMaxPerMinute', 0, /notifyMaxPerMinute is invalid: .*from 1 to 10000/],
    ['notifyMaxPerMinute', '100000', /notifyMaxPerMinute is invalid/],
    ['outboxMax', 0, /outboxMax is invalid/],
  ])('names the bad key %s', (key, value, message) => {
    expect(() => validator({ [key]: value })).toThrow(message);
  });

  it('takes roleMap as an object or as JSON from an env var, and extendUsers as a function', () => {
    expect(() => validator({ roleMap: { moderator: { chat_role: 'admin' } }, chatRoles: 'true' })).not.toThrow();
    expect(() => validator({ roleMap: '{"moderator":{"permissions":{"video_calls":false}}}' })).not.toThrow();
    expect(() => validator({ extendUsers: async (users: unknown[]) => users })).not.toThrow();
    expect(() => validator({ extendUsersConcurrency: '8' })).not.toThrow();
  });

  it.each([
    ['roleMap', '{not json', /roleMap is invalid: roleMap must be an object/],
    ['roleMap', { moderator: { chat_role: 'owner' } }, /roleMap is invalid: .*chat_role of user or admin/],
    ['roleMap', { moderator: { permissions: { fly: true } } }, /roleMap is invalid: .*knows only the permissions send_message/],
    ['roleMap', { constructor: {} }, /roleMap is invalid: .*not a role type/],
    ['badgeField', 'two words', /badgeField is invalid/],
    ['lastLoginField', 'a-b', /lastLoginField is invalid/],
    ['trackLastSeen', 'sometimes', /trackLastSeen is invalid: .*true or false/],
    ['extendUsers', 'profiles', /extendUsers is invalid: .*must be a function/],
    ['extendUsersConcurrency', 0, /extendUsersConcurrency is invalid: .*greater than or equal to 1/],
    ['extendUsersConcurrency', 1.5, /extendUsersConcurrency is invalid: .*integer/],
    ['extendUsersConcurrency', 'many', /extendUsersConcurrency is invalid/],
  ])('names the bad key %s (roles and identity)', (key, value, message) => {
    expect(() => validator({ [key]: value })).toThrow(message);
  });

  it('takes any https widget script address: the operator decides', () => {
    expect(() => validator({ widgetScriptUrl: 'https://cdn.example.com/imbachat/{widgetId}.js' })).not.toThrow();
  });

  it.each([
    ['apiPassword', [123456789]],
    ['secretKey', 987654321],
    ['secretKey', 'short-747474'],
    ['apiPassword', { nested: 'value-565656' }],
    ['secretKey', `long-${'9'.repeat(600)}`],
  ])('never puts the refused value of %s (%p) in the start-up error', (key, value) => {
    let message = '';
    try {
      validator({ [key]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`imbachat\\.config\\.${key}`));
    expect(message).not.toMatch(/\d{6,}/);
  });

  it('checks throttle.trustedIps', () => {
    const throttle = (trustedIps: unknown) => ({ throttle: { ...config.default.throttle, trustedIps } });
    expect(() => validator(throttle(['203.0.113.0/24', '2001:db8::/48', '198.51.100.7']))).not.toThrow();
    expect(() => validator(throttle(['example.com']))).toThrow(/imbachat\.config\.throttle is invalid: .*CIDR/);
    expect(() => validator(throttle('203.0.113.7'))).toThrow(/imbachat\.config\.throttle/);
  });

  it('checks the throttle rules', () => {
    expect(() => validator({ throttle: { basicAuth: { max: 0, windowSeconds: 60 } } })).toThrow(/imbachat\.config\.throttle/);
  });
});
