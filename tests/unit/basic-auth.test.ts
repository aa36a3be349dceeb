import { credentialsChecker, parseBasicAuth } from '../../server/src/utils/basic-auth';

const header = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('parseBasicAuth', () => {
  it('splits login and password at the first colon', () => {
    expect(parseBasicAuth(header('chat:pa:ss'))).toEqual({ login: 'chat', password: 'pa:ss' });
  });

  it('takes the scheme in any case and an empty password', () => {
    expect(parseBasicAuth(`basic ${Buffer.from('chat:').toString('base64')}`)).toEqual({ login: 'chat', password: '' });
  });

  it('decodes UTF-8', () => {
    expect(parseBasicAuth(header('чат:пароль'))).toEqual({ login: 'чат', password: 'пароль' });
  });

  it.each([
    ['nothing', undefined],
    ['a number', 42],
    ['an empty header', ''],
    ['the scheme alone', 'Basic'],
    ['another scheme', 'Bearer abc.def.ghi'],
    ['characters outside base64', 'Basic !!!'],
    ['no colon inside', header('justalogin')],
    ['a huge header', `Basic ${'A'.repeat(5000)}`],
    ['two tokens', `${header('a:b')} ${header('c:d')}`],
  ])('refuses %s', (_, value) => {
    expect(parseBasicAuth(value)).toBeNull();
  });
});

describe('credentialsChecker', () => {
  const expected = { login: 'ImbaChat', password: 'S3cret' };
  const matches = (given: { login: string; password: string }, against: typeof expected) => credentialsChecker(against)(given);

  it('compares the login case-insensitively', () => {
    expect(matches({ login: 'imbachat', password: 'S3cret' }, expected)).toBe(true);
    expect(matches({ login: 'IMBACHAT', password: 'S3cret' }, expected)).toBe(true);
  });

  it('compares the password exactly', () => {
    expect(matches({ login: 'imbachat', password: 's3cret' }, expected)).toBe(false);
    expect(matches({ login: 'imbachat', password: 'S3cret ' }, expected)).toBe(false);
    expect(matches({ login: 'imbachat', password: '' }, expected)).toBe(false);
  });

  it('refuses a wrong login with the right password', () => {
    expect(matches({ login: 'other', password: 'S3cret' }, expected)).toBe(false);
  });

  it('compares values of any length without throwing', () => {
    expect(matches({ login: 'ImbaChat', password: 'S'.repeat(1000) }, expected)).toBe(false);
    expect(matches({ login: 'i'.repeat(5000), password: 'S3cret' }, expected)).toBe(false);
  });
});
