import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The admin's languages (SPEC "Admin pages"): each file must carry every English key. */
const LOCALES = ['en', 'ru', 'de', 'fr', 'es', 'it', 'pt-BR', 'zh-Hans'];
const DIR = join(__dirname, '../../admin/src/translations');

const read = (locale: string): Record<string, string> => JSON.parse(readFileSync(join(DIR, `${locale}.json`), 'utf8'));

/** The ICU arguments a message uses (`{name}`, `{count, plural, …}`), without plural branches' text. */
export const placeholders = (message: string): string[] =>
  [...new Set([...message.matchAll(/(?<!(?:zero|one|two|few|many|other|=\d+)\s*)\{\s*([A-Za-z_][\w]*)\s*[,}]/g)].map((match) => match[1]))].sort();

const en = read('en');

describe('admin translations', () => {
  it('ships exactly the eight languages', () => {
    const files = readdirSync(DIR).filter((name) => name.endsWith('.json')).map((name) => name.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...LOCALES].sort());
  });

  it('reads placeholders as react-intl does', () => {
    expect(placeholders('{count, plural, one {# user} other {# users}} since {when}')).toEqual(['count', 'when']);
    expect(placeholders('no argument')).toEqual([]);
    // A plural branch of one word is text, not an argument.
    expect(placeholders('{count, plural, one {it} other {them}} {name}')).toEqual(['count', 'name']);
  });

  describe.each(LOCALES)('%s', (locale) => {
    const messages = read(locale);

    it('has every key of en and no other', () => {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    });

    it('has no empty message', () => {
      expect(Object.entries(messages).filter(([, value]) => typeof value !== 'string' || value.trim() === '')).toEqual([]);
    });

    it('uses the same placeholders as en', () => {
      const differing = Object.keys(en)
        .filter((key) => key in messages)
        .filter((key) => placeholders(messages[key]).join() !== placeholders(en[key]).join())
        .map((key) => ({ key, en: placeholders(en[key]), [locale]: placeholders(messages[key]) }));
      expect(differing).toEqual([]);
    });

    if (locale !== 'en') {
      it('is translated, not copied from en', () => {
        // Names (ImbaChat, API login as the cabinet labels it, URLs) may stay as they are; prose may not.
        const same = Object.keys(en).filter((key) => messages[key] === en[key] && en[key].split(' ').length > 3);
        expect(same).toEqual([]);
      });
    }
  });
});
