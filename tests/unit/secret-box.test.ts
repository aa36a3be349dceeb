import { deriveKey, isSealed, seal, SEALED_PREFIX, unseal } from '../../server/src/utils/secret-box';

const KEY = deriveKey('encryption-key-a-0123456789abcdef');
const OTHER_KEY = deriveKey('encryption-key-b-0123456789abcdef');
const SECRET = 'chat-api-password-Ж-1';

/** Replaces one character of a sealed value's part (0 iv, 1 body, 2 tag) with another base64url character. */
const tamper = (sealed: string, part: number) => {
  const parts = sealed.slice(SEALED_PREFIX.length).split('.');
  const first = parts[part][0];
  parts[part] = (first === 'A' ? 'B' : 'A') + parts[part].slice(1);
  return SEALED_PREFIX + parts.join('.');
};

describe('seal and unseal', () => {
  it('give back the secret, UTF-8 and empty included', () => {
    for (const plain of [SECRET, '', 'x'.repeat(600)]) expect(unseal(seal(plain, KEY), KEY)).toBe(plain);
  });

  it('seal into the prefixed form and never hold the secret in the clear', () => {
    const sealed = seal(SECRET, KEY);
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed.slice(SEALED_PREFIX.length).split('.')).toHaveLength(3);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(Buffer.from(SECRET).toString('base64url'));
  });

  it('use a fresh IV each time: the same secret seals differently', () => {
    const sealed = Array.from({ length: 20 }, () => seal(SECRET, KEY));
    expect(new Set(sealed).size).toBe(20);
    const ivs = sealed.map((value) => value.slice(SEALED_PREFIX.length).split('.')[0]);
    expect(new Set(ivs).size).toBe(20);
    for (const value of sealed) expect(unseal(value, KEY)).toBe(SECRET);
  });

  it('throw with another key', () => {
    const sealed = seal(SECRET, KEY);
    expect(() => unseal(sealed, OTHER_KEY)).toThrow(/unable to authenticate data/);
  });

  it.each([
    ['IV', 0],
    ['ciphertext', 1],
    ['tag', 2],
  ])('throw when the %s was tampered with', (_, part) => {
    const sealed = seal(SECRET, KEY);
    expect(unseal(sealed, KEY)).toBe(SECRET);
    expect(() => unseal(tamper(sealed, part as number), KEY)).toThrow();
  });
});

describe('deriveKey', () => {
  it('gives a 32-byte key, the same for the same encryption key, another for another', () => {
    expect(KEY).toHaveLength(32);
    expect(deriveKey('encryption-key-a-0123456789abcdef').equals(KEY)).toBe(true);
    expect(OTHER_KEY.equals(KEY)).toBe(false);
  });
});

describe('isSealed', () => {
  it('tells a sealed value from one stored before sealing', () => {
    expect(isSealed(seal(SECRET, KEY))).toBe(true);
    expect(isSealed(SECRET)).toBe(false);
    expect(isSealed('')).toBe(false);
    expect(isSealed(`x${SEALED_PREFIX}`)).toBe(false);
  });

  it.each([null, undefined, 42, {}, [SEALED_PREFIX]])('is false for %p, which is not a string', (value) => {
    expect(isSealed(value)).toBe(false);
  });
});
