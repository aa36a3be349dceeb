import { classifyMailFailure, loggableFailure, providerSecrets, retryDelayMs, shownFailure } from '../../server/src/utils/mail-failure';

const smtpError = (responseCode: number, message = 'refused') => Object.assign(new Error(message), { responseCode });

describe('classifyMailFailure', () => {
  it('takes an SMTP 5xx reply as permanent: the server refused this recipient or message for good', () => {
    for (const code of [550, 551, 552, 553, 554]) expect(classifyMailFailure(smtpError(code))).toBe('permanent');
  });

  it('takes a 4xx reply, a connection failure, a timeout or any other error as temporary', () => {
    expect(classifyMailFailure(smtpError(421))).toBe('temporary');
    expect(classifyMailFailure(smtpError(451))).toBe('temporary');
    expect(classifyMailFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toBe('temporary');
    expect(classifyMailFailure(new Error('timeout'))).toBe('temporary');
    expect(classifyMailFailure('a string')).toBe('temporary');
    expect(classifyMailFailure(Object.assign(new Error('x'), { responseCode: '550' }))).toBe('temporary');
  });
});

describe('loggableFailure', () => {
  it('carries no address and none of the private texts, on one short line', () => {
    const message = 'RCPT failed for alice@example.com: Subject "Secret plans tonight"\nsession 42';
    const safe = loggableFailure(new Error(message), ['Secret plans tonight']);
    expect(safe).toBe('RCPT failed for <address>: Subject "…" session 42');
    expect(loggableFailure(new Error('x'.repeat(500)), []).length).toBeLessThanOrEqual(301);
  });
});

describe('retryDelayMs', () => {
  it('starts at 30 s, doubles, and never waits more than an hour', () => {
    expect([0, 1, 2, 3].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(50)).toBe(3_600_000);
  });
});

describe('providerSecrets and shownFailure', () => {
  it('finds the credentials in a provider\'s options, however nested, and nothing else', () => {
    const options = {
      host: 'smtp.example.com',
      port: 587,
      auth: { user: 'mailer', pass: 'p4ss' },
      apiKey: 'key-123456',
      nested: { deeper: { clientSecret: 'shh-secret' } },
      secure: false,
    };
    expect(providerSecrets(options).sort()).toEqual(['key-123456', 'mailer', 'p4ss', 'shh-secret']);
    expect(providerSecrets(undefined)).toEqual([]);
  });

  it('cuts the credentials, the addresses and the private texts out of a message', () => {
    const error = new Error('Invalid login for mailer with p4ss at smtp.example.com: 535 refused <admin@example.test> (Hello Ann)');
    const shown = shownFailure(error, ['Hello Ann'], ['mailer', 'p4ss']);
    expect(shown).not.toMatch(/mailer|p4ss|admin@example\.test|Hello Ann/);
    expect(shown).toContain('smtp.example.com: 535 refused');
  });
});
