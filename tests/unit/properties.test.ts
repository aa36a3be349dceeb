import fc from 'fast-check';
import { errors } from '@strapi/utils';
import { MAX_ROW_ID, MAX_USER_IDS } from '../../server/src/constants';
import { parseBasicAuth } from '../../server/src/utils/basic-auth';
import { parseUserIds } from '../../server/src/validation/parse-user-ids';
import { SETTING_KEYS } from '../../contract';
import { parseSettingsUpdate } from '../../server/src/validation/settings';

// Hostile input, generated: each property holds for at least 10,000 inputs.
const RUNS = { numRuns: 10_000 };

const idToken = fc.oneof(
  fc.integer({ min: -5, max: 3_000_000_000 }).map(String),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', '0', '007', '1e3', '0x1f', '+4', '-1', '1.5', '%20', '٣', '2147483648')
);
const idInput = fc.oneof(
  fc.array(idToken, { maxLength: 40 }).chain((tokens) => fc.constantFrom(',', '|', ';', ' ').map((sep) => tokens.join(sep))),
  fc.array(fc.oneof(idToken, fc.integer(), fc.constant(null), fc.object()), { maxLength: 20 }),
  fc.anything()
);

describe('parseUserIds, hostile input', () => {
  it('answers distinct positive row ids or a ValidationError, nothing else', () => {
    fc.assert(
      fc.property(idInput, fc.constantFrom(',', '|', ';', ' ', '--'), (input, separator) => {
        let ids: number[];
        try {
          ids = parseUserIds(input, separator);
        } catch (error) {
          return error instanceof errors.ValidationError;
        }
        return (
          ids.length <= MAX_USER_IDS &&
          new Set(ids).size === ids.length &&
          ids.every((id) => Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID)
        );
      }),
      RUNS
    );
  });

  it('keeps every valid id of a list, in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: MAX_ROW_ID }), { maxLength: 50 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 10 }), (valid, junk) => {
        const tokens = [...valid.map(String), ...junk.filter((j) => !/^\s*\d+\s*$/.test(j) && !j.includes(','))];
        return JSON.stringify(parseUserIds(tokens.join(','))) === JSON.stringify(valid);
      }),
      RUNS
    );
  });
});

describe('parseBasicAuth, hostile input', () => {
  it('never throws, and anything it accepts has a login without ":"', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 100 }).map((s) => `Basic ${s}`), fc.anything()), (header) => {
        const parsed = parseBasicAuth(header);
        return parsed === null || (typeof parsed.login === 'string' && !parsed.login.includes(':') && typeof parsed.password === 'string');
      }),
      RUNS
    );
  });

  it('reads back any login and password it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes(':')), fc.string({ unit: 'grapheme', maxLength: 60 }), (login, password) => {
        const parsed = parseBasicAuth(`Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`);
        return parsed !== null && parsed.login === login && parsed.password === password;
      }),
      RUNS
    );
  });
});

describe('settings validation, hostile input', () => {
  const key = fc.oneof(fc.constantFrom(...SETTING_KEYS), fc.string({ maxLength: 12 }));
  const value = fc.oneof(fc.string({ maxLength: 600 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything());

  it('accepts or refuses with a ValidationError naming fields, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 6 }), async (input) => {
        try {
          const accepted = parseSettingsUpdate(input) as Record<string, unknown>;
          return Object.keys(accepted).every((k) => (SETTING_KEYS as string[]).includes(k));
        } catch (error) {
          return error instanceof errors.ValidationError;
        }
      }),
      RUNS
    );
  });
});
