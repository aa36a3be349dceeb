import fc from 'fast-check';
import { KEY_MAX_CHARS, addShortGrams, fold, lookupGrams, pairs, prefixUpperBound, trigrams } from '../../server/src/utils/search-keys';

/** Code-point order, which is UTF-8 byte order: what the databases compare the keys by. */
const compareCodePoints = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

// Letters that lower-case or compose unusually, wildcards, an astral character and one above the surrogates.
const CHARS = ['a', 'B', 'z', '%', '_', ' ', 'Ü', 'ü', 'É', 'é', 'e\u0301', 'ß', 'İ', 'Σ', '中', '😀', '\uFF21', '\uD7FF', '\uE000', '\u{10FFFF}'];
const word = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((chars) => chars.join(''));

describe('fold', () => {
  it('lower-cases all of Unicode, not ASCII alone', () => {
    expect(fold('ERIN Ü')).toBe('erin ü');
    expect(fold('ZOË SALDAÑA')).toBe('zoë saldaña');
    expect(fold('ΣΊΣΥΦΟΣ')).toBe('ΣΊΣΥΦΟΣ'.toLowerCase());
    expect(fold('ＡＢＣ')).toBe('ａｂｃ');
  });

  it('composes before comparing: a decomposed é folds like a composed one', () => {
    expect(fold('E\u0301')).toBe('\u00e9');
    expect(fold('e\u0301')).toBe(fold('É'));
  });

  it('keeps % and _ as the characters they are', () => {
    expect(fold('100%_A')).toBe('100%_a');
  });

  it('drops C0 control characters and DEL, keeps other whitespace', () => {
    expect(fold('a\u0000b\u001fc\u007fd')).toBe('abcd');
    expect(fold('a\tb\nc')).toBe('abc');
    expect(fold('a b\u00a0c')).toBe('a b\u00a0c');
  });

  it(`keeps at most ${KEY_MAX_CHARS} code points, never half a surrogate pair`, () => {
    expect(KEY_MAX_CHARS).toBe(255);
    expect(fold('a'.repeat(300))).toBe('a'.repeat(255));
    const astral = fold('😀'.repeat(300));
    expect(Array.from(astral)).toHaveLength(255);
    expect(astral).toBe('😀'.repeat(255));
    // 254 ASCII letters then an astral character: the pair is kept whole as the 255th code point.
    expect(fold(`${'a'.repeat(254)}😀b`)).toBe(`${'a'.repeat(254)}😀`);
  });

  it('is idempotent and agrees with NFC + toLowerCase on generated words', () => {
    fc.assert(
      fc.property(word, (value) => {
        const once = fold(value);
        return fold(once) === once && once === value.normalize('NFC').toLowerCase();
      }),
      { numRuns: 2000 }
    );
  });
});

/** The short grams a key adds to an empty set. */
const shortGrams = (key: string) => [...addShortGrams(key, new Set())];
const grams = (key: string) => [...shortGrams(key), ...trigrams(key)];

describe('trigrams, pairs and addShortGrams', () => {
  it('give every distinct run of three, two, and one and two characters', () => {
    expect(trigrams('abcab').sort()).toEqual(['abc', 'bca', 'cab']);
    expect(pairs('abab').sort()).toEqual(['ab', 'ba']);
    expect(shortGrams('abca').sort()).toEqual(['a', 'ab', 'b', 'bc', 'c', 'ca']);
    expect(trigrams('ab')).toEqual([]);
    expect(shortGrams('')).toEqual([]);
    expect(shortGrams('x')).toEqual(['x']);
  });

  it('count an astral character as one character', () => {
    expect(shortGrams('😀a').sort()).toEqual(['😀', '😀a', 'a'].sort());
    expect(trigrams('😀ab😀')).toEqual(['😀ab', 'ab😀']);
  });

  it('hold a term of up to three characters exactly when the key contains it', () => {
    fc.assert(
      fc.property(word, word, (key, term) => {
        fc.pre(Array.from(term).length >= 1 && Array.from(term).length <= 3);
        return grams(key).includes(term) === key.includes(term);
      }),
      { numRuns: 2000 }
    );
  });
});

describe('lookupGrams', () => {
  it('takes a term of one or two characters as short, and a three-character term as its own trigram', () => {
    expect(lookupGrams('a')).toEqual({ short: true });
    expect(lookupGrams('a😀')).toEqual({ short: true });
    expect(lookupGrams('ab😀')).toEqual({ short: false, grams: ['ab😀'], exact: true });
  });

  it('asks for a few trigrams of a longer term, spread over it, first and last included', () => {
    expect(lookupGrams('abcd')).toEqual({ short: false, grams: ['abc', 'bcd'], exact: false });
    const long = lookupGrams('abcdefghijklmnopqrstuvwxyz');
    if (long.short) throw new Error('a long term is not short');
    expect(long.exact).toBe(false);
    expect(long.grams.length).toBeLessThanOrEqual(8);
    expect(long.grams[0]).toBe('abc');
    expect(long.grams[long.grams.length - 1]).toBe('xyz');
  });

  it('never asks for a trigram that a key containing the term lacks', () => {
    fc.assert(
      fc.property(word, word, word, (before, term, after) => {
        fc.pre(Array.from(term).length >= 3);
        const keyGrams = new Set(trigrams(before + term + after));
        const lookup = lookupGrams(term);
        if (lookup.short) return false;
        return lookup.grams.every((gram) => keyGrams.has(gram)) && lookup.grams.length <= 8;
      }),
      { numRuns: 2000 }
    );
  });
});

describe('prefixUpperBound', () => {
  it('raises the last character by one', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a%')).toBe('a&');
  });

  it('steps over the surrogates: after U+D7FF comes U+E000', () => {
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('\uFFFF')).toBe('\u{10000}');
    expect(prefixUpperBound('😀')).toBe('😁');
  });

  it('drops trailing U+10FFFF, and has no bound for a prefix of only U+10FFFF', () => {
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('a\u{10FFFF}\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('')).toBeNull();
  });

  it('bounds exactly the strings that start with the prefix, in code-point order', () => {
    fc.assert(
      fc.property(word, word, (prefix, key) => {
        fc.pre(prefix.length > 0);
        const upper = prefixUpperBound(prefix);
        const inRange = compareCodePoints(key, prefix) >= 0 && (upper === null || compareCodePoints(key, upper) < 0);
        return inRange === key.startsWith(prefix);
      }),
      { numRuns: 5000 }
    );
  });
});
