/**
 * How names, usernames and emails become search keys, and search terms become lookups. Pure: the
 * same rules serve the plugin's index (written from JavaScript) and its queries, so SQLite,
 * PostgreSQL and MariaDB compare the same folded strings byte for byte and need no SQL function.
 */

/** Characters of a value that are indexed: longer values are searched on their start. */
export const KEY_MAX_CHARS = 255;

/** The most trigrams one contains-lookup asks the index for; the match itself is checked in full. */
const LOOKUP_MAX_GRAMS = 8;

// C0 controls and DEL: never typed into a name, and never part of a term either.
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * The case-insensitive form of a value: Unicode-composed (NFC), lower-cased over all of Unicode,
 * control characters dropped, at most KEY_MAX_CHARS characters (code points, never half a pair).
 */
export const fold = (value: string): string => {
  const folded = value.normalize('NFC').toLowerCase().replace(CONTROL, '');
  if (folded.length <= KEY_MAX_CHARS) return folded;
  return Array.from(folded).slice(0, KEY_MAX_CHARS).join('');
};

const SURROGATE = /[\ud800-\udfff]/;

/** Distinct runs of `size` characters (code points) of a folded key. */
const runs = (folded: string, size: number): string[] => {
  const found = new Set<string>();
  if (!SURROGATE.test(folded)) {
    for (let i = 0; i + size <= folded.length; i += 1) found.add(folded.slice(i, i + size));
  } else {
    const chars = Array.from(folded);
    for (let i = 0; i + size <= chars.length; i += 1) found.add(chars.slice(i, i + size).join(''));
  }
  return [...found];
};

/** Every distinct run of three characters: what the contains index holds for a key. */
export const trigrams = (folded: string): string[] => runs(folded, 3);

/** Every distinct run of two characters. */
export const pairs = (folded: string): string[] => runs(folded, 2);

/** Adds every run of one and two characters of a folded key to `into`: the short terms some key contains. */
export const addShortGrams = (folded: string, into: Set<string>): Set<string> => {
  if (!SURROGATE.test(folded)) {
    for (let i = 0; i < folded.length; i += 1) {
      into.add(folded[i]);
      if (i + 1 < folded.length) into.add(folded.slice(i, i + 2));
    }
    return into;
  }
  for (const gram of [...runs(folded, 1), ...runs(folded, 2)]) into.add(gram);
  return into;
};

/**
 * How a contains-lookup uses the index. A term of one or two characters is `short`: whether any key
 * holds it at all is known, and keys are then read in order. A longer term gives a few of its
 * trigrams (spread over it), which every key containing it holds; a three-character term is its own
 * trigram (`exact`), a longer one is checked in full after.
 */
export const lookupGrams = (term: string): { short: true } | { short: false; grams: string[]; exact: boolean } => {
  const chars = Array.from(term);
  if (chars.length < 3) return { short: true };
  if (chars.length === 3) return { short: false, grams: [term], exact: true };
  const last = chars.length - 3;
  const count = Math.min(LOOKUP_MAX_GRAMS, last + 1);
  const picks = new Set<number>();
  for (let i = 0; i < count; i += 1) picks.add(Math.round((i * last) / (count - 1)));
  return { short: false, grams: [...new Set([...picks].map((i) => chars[i] + chars[i + 1] + chars[i + 2]))], exact: false };
};

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order
 * (which is UTF-8 byte order): `prefix` with its last character raised by one. So `key >= prefix
 * AND key < upper` is exactly "starts with" and an index can seek it. Null when there is none
 * (a prefix of only U+10FFFF), and then "starts with" has no upper bound.
 */
export const prefixUpperBound = (prefix: string): string | null => {
  const chars = Array.from(prefix);
  while (chars.length > 0) {
    const code = chars.pop()!.codePointAt(0)!;
    if (code === MAX_CODE_POINT) continue;
    // Surrogate code points are not characters: the next one after U+D7FF is U+E000.
    const next = code + 1 === 0xd800 ? 0xe000 : code + 1;
    return chars.join('') + String.fromCodePoint(next);
  }
  return null;
};
