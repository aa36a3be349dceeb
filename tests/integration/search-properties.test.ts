import crypto from 'node:crypto';
import fc from 'fast-check';
import { restoreAfterEach } from '../helpers/restore';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #11, "same answers": the search route against a plain scan over the same users, written the
// way the test says, for generated users and terms, on whichever database DATABASE_CLIENT names.
const LOGIN = 'chat';
const PASSWORD = 'properties-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';
const USERS = 150;
const CASES = 300;
// Users are drawn once per run from this seed (printed with any failure); set it to replay one.
const SEED = Number(process.env.IMBACHAT_PROPERTY_SEED ?? crypto.randomInt(2 ** 31));

// A small alphabet so that terms collide often: ASCII in both cases, LIKE's wildcards, a space, letters
// that fold unusually (ß stays, İ becomes two code points), CJK, an astral emoji, and a fullwidth
// letter that sorts above the emoji in UTF-16 units but below it in code points.
const ALPHABET = ['a', 'A', 'b', 'B', 'e', 'E', '%', '_', ' ', 'Ü', 'ü', 'É', 'é', 'ß', 'İ', '中', '😀', 'Ａ', 'ａ'];
const word = (min: number, max: number) => fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

interface GeneratedUser {
  username: string;
  email: string;
  displayName: string | null;
  blocked: boolean;
}
interface StoredUser extends GeneratedUser {
  id: number;
}
type Mode = 'contains' | 'prefix' | 'exact';
interface Case {
  term: string;
  mode: Mode;
  shareEmail: boolean;
  limit: number | undefined;
}

const userArb: fc.Arbitrary<GeneratedUser> = fc.record({
  username: word(1, 8),
  email: fc.tuple(word(1, 5), word(1, 3)).map(([local, domain]) => `${local}@${domain}.test`),
  displayName: fc.option(word(1, 12), { freq: 6 }),
  blocked: fc.boolean().chain((maybe) => (maybe ? fc.boolean() : fc.constant(false))), // about a quarter
});

// --- The reference: a plain scan, as the contract words it. ---
const fold = (value: string) => Array.from(value.normalize('NFC').toLowerCase().replace(/[\u0000-\u001f\u007f]/g, '')).slice(0, 255).join('');
const byCodePoints = (a: string, b: string) => {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};
const reference = (users: StoredUser[], { term, mode, shareEmail, limit }: Case): number[] => {
  const t = fold(term.trim());
  if (t === '') return [];
  const matches = (value: string) => (mode === 'exact' ? value === t : mode === 'prefix' ? value.startsWith(t) : value.includes(t));
  const hits = users.flatMap((user) => {
    if (user.blocked) return [];
    const values = [user.displayName ?? '', user.username, ...(shareEmail ? [user.email] : [])].map(fold).filter(matches);
    if (values.length === 0) return [];
    return [{ id: user.id, key: values.sort(byCodePoints)[0] }];
  });
  hits.sort((a, b) => (mode === 'contains' ? a.id - b.id : byCodePoints(a.key, b.key) || a.id - b.id));
  return hits.slice(0, limit ?? 20).map((hit) => hit.id);
};

// --- Terms: pieces of stored values with their case changed, whole values, and random strings. ---
const caseArb = (users: GeneratedUser[]): fc.Arbitrary<Case> => {
  const piece = fc
    .record({
      user: fc.nat(users.length - 1),
      field: fc.constantFrom('username', 'displayName', 'email') as fc.Arbitrary<'username' | 'displayName' | 'email'>,
      whole: fc.boolean(),
      start: fc.nat(),
      length: fc.integer({ min: 1, max: 6 }),
      upper: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
    })
    .map(({ user, field, whole, start, length, upper }) => {
      const chars = Array.from(users[user][field] ?? users[user].username);
      const from = whole ? 0 : start % chars.length;
      const picked = whole ? chars : chars.slice(from, from + length);
      return picked.map((char, i) => (upper[i % upper.length] ? char.toUpperCase() : char.toLowerCase())).join('');
    });
  return fc.record({
    term: fc.oneof({ weight: 3, arbitrary: piece }, { weight: 1, arbitrary: word(1, 4) }),
    mode: fc.constantFrom<Mode>('contains', 'prefix', 'exact'),
    shareEmail: fc.boolean(),
    limit: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })),
  });
};

let app: TestApp;

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
});
afterAll(async () => {
  await app?.close();
});
restoreAfterEach(() => app);

const searchIndex = () => app.strapi.plugin('imbachat').service('searchIndex');

/** Removes every site user, and the index with them. */
const removeAllUsers = async () => {
  await app.strapi.db.query(USER_UID).deleteMany({ where: {} });
  await searchIndex().rebuild();
  const [{ n }] = await app.strapi.db.connection('imbachat_search').count({ n: '*' });
  expect(Number(n)).toBe(0);
};

/** The users as stored, in the order made (ids ascending), checked against what was generated. */
const storedUsers = async (generated: GeneratedUser[]): Promise<StoredUser[]> => {
  const rows = (await app.strapi.db.query(USER_UID).findMany({ select: ['id', 'username', 'email', 'displayName', 'blocked'], orderBy: { id: 'asc' } })) as StoredUser[];
  const stored = rows.map((row) => ({ id: row.id, username: row.username, email: row.email, displayName: row.displayName ?? null, blocked: Boolean(row.blocked) }));
  expect(stored.map(({ id, ...user }) => user)).toEqual(generated);
  return stored;
};

const searchAnswer = async ({ term, mode, shareEmail, limit }: Case) => {
  await configure(app.strapi, { searchMode: mode, shareEmail });
  const res = await app
    .http()
    .get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}${limit === undefined ? '' : `&limit=${limit}`}`)
    .set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};

const compareWithReference = async (generated: GeneratedUser[]) => {
  const users = await storedUsers(generated);
  let nonEmpty = 0;
  try {
    await fc.assert(
      fc.asyncProperty(caseArb(generated), async (c) => {
        const expected = reference(users, c);
        if (expected.length > 0) nonEmpty += 1;
        expect({ ...c, ids: await searchAnswer(c) }).toEqual({ ...c, ids: expected });
      }),
      { numRuns: CASES, seed: SEED }
    );
  } catch (error) {
    throw new Error(`users drawn with IMBACHAT_PROPERTY_SEED=${SEED}\n${(error as Error).message}`);
  }
  // The generators are worth something only if many terms find someone (about half do; exact terms find fewer).
  expect(nonEmpty).toBeGreaterThan(CASES / 4);
};

describe('search against a plain reference scan, generated users and terms', () => {
  const generate = (salt: number) => fc.sample(fc.array(userArb, { minLength: USERS, maxLength: USERS }), { numRuns: 1, seed: SEED + salt })[0];

  it(`users made with the query engine's createMany (the index follows by lifecycles): ${CASES} terms`, async () => {
    await removeAllUsers();
    const generated = generate(1);
    const rows = generated.map((user) => ({ ...user, provider: 'local', confirmed: true }));
    for (let i = 0; i < rows.length; i += 40) await app.strapi.db.query(USER_UID).createMany({ data: rows.slice(i, i + 40) });
    await compareWithReference(generated);
  }, 180_000);

  it(`users written with plain SQL, then searchIndex.rebuild(): ${CASES} terms`, async () => {
    await removeAllUsers();
    const generated = generate(2);
    const meta = app.strapi.db.metadata.get(USER_UID) as unknown as { tableName: string; attributes: Record<string, { columnName?: string }> };
    const column = (name: string) => meta.attributes[name]?.columnName ?? name;
    const now = new Date();
    await app.strapi.db.connection(meta.tableName).insert(
      generated.map((user) => ({
        [column('documentId')]: crypto.randomBytes(12).toString('hex'),
        [column('username')]: user.username,
        [column('email')]: user.email,
        [column('displayName')]: user.displayName,
        [column('blocked')]: user.blocked,
        [column('provider')]: 'local',
        [column('confirmed')]: true,
        [column('createdAt')]: now,
        [column('updatedAt')]: now,
      }))
    );
    await searchIndex().rebuild();
    await compareWithReference(generated);
  }, 180_000);
});
