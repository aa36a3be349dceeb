import config from '../../server/src/config';
import { answerKind, dialogStatusOf } from '../../server/src/utils/dialog-answer';
import { imbachatApiUrlProblem } from '../../server/src/utils/imbachat-api-url';

const { validator } = config;

describe('config/plugins keys of dialog tokens and the moderation dashboard', () => {
  it('has defaults: no hook, 3 s, 60 tokens a minute, ImbaChat\'s own API, 10 s', () => {
    expect(config.default).toMatchObject({
      canOpenDialogTimeoutMs: 3000,
      dialogTokens: { max: 60, windowSeconds: 60 },
      imbachatApiUrl: 'https://api.imbachat.com',
      dashboardTimeoutMs: 10_000,
    });
    expect(config.default.canOpenDialog).toBeUndefined();
  });

  it('accepts a hook, limits and an https or loopback API address', () => {
    expect(() =>
      validator({
        canOpenDialog: () => 'default',
        canOpenDialogTimeoutMs: 500,
        dialogTokens: { max: 10, windowSeconds: 30 },
        imbachatApiUrl: 'https://api.imbachat.com/',
        dashboardTimeoutMs: '5000',
      })
    ).not.toThrow();
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:9000', 'https://imbachat.example.org/base']) {
      expect(() => validator({ imbachatApiUrl: url })).not.toThrow();
    }
  });

  it.each([
    ['canOpenDialog', 'need_access', /canOpenDialog is invalid: .*must be a function/],
    ['canOpenDialogTimeoutMs', 0, /canOpenDialogTimeoutMs is invalid/],
    ['canOpenDialogTimeoutMs', 120_000, /canOpenDialogTimeoutMs is invalid/],
    ['dialogTokens', { max: 0, windowSeconds: 60 }, /dialogTokens is invalid/],
    ['imbachatApiUrl', 'http://api.imbachat.com', /imbachatApiUrl is invalid: .*must be https/],
    ['imbachatApiUrl', 'http://10.0.0.5', /imbachatApiUrl is invalid: .*must be https/],
    ['imbachatApiUrl', 'ftp://127.0.0.1', /imbachatApiUrl is invalid: .*must be https/],
    ['imbachatApiUrl', 'api.imbachat.com', /imbachatApiUrl is invalid: .*absolute URL/],
    ['imbachatApiUrl', 'https://user:pass@api.imbachat.com', /imbachatApiUrl is invalid: .*no credentials/],
    ['imbachatApiUrl', 'https://api.imbachat.com/?x=1', /imbachatApiUrl is invalid/],
    ['imbachatApiUrl', 42, /imbachatApiUrl is invalid/],
    ['dashboardTimeoutMs', -1, /dashboardTimeoutMs is invalid/],
  ])('refuses %s = %p, naming it', (key, value, message) => {
    expect(() => validator({ [key]: value })).toThrow(message);
  });

  it('reads the hook\'s answers: "default" 0, "need_access" 1, false refused, anything else nothing', () => {
    expect(dialogStatusOf('default')).toBe(0);
    expect(dialogStatusOf('need_access')).toBe(1);
    expect(dialogStatusOf(false)).toBe('refused');
    for (const answer of ['Default', 'need-access', 0, 1, true, null, undefined, {}, ['default']]) expect(dialogStatusOf(answer)).toBeNull();
    expect([answerKind('x'), answerKind(null), answerKind([]), answerKind(1), answerKind({})]).toEqual(['another string', 'null', 'an array', 'number', 'object']);
  });

  it('says why an API address is refused, and nothing for a good one', () => {
    expect(imbachatApiUrlProblem('https://api.imbachat.com')).toBeNull();
    expect(imbachatApiUrlProblem('http://127.0.0.2:1')).toBeNull();
    expect(imbachatApiUrlProblem('http://192.168.1.2')).toMatch(/https/);
  });
});
