import { restoreAfterEach } from '../helpers/restore';
import { searchIndexOf, seedUsers, usersTable } from '../helpers/search-index';
import { basic, configure, createSiteUser, expectNoSecretsIn, insertSiteUsers, startStrapi, type TestApp } from '../helpers/strapi';

const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const LOGIN = 'chat';
const PASSWORD = 'search-password-1';
const AUTH = basic(LOGIN, PASSWORD);

let app: TestApp;
let ids: Record<string, number>;

const search = (term: string, query = '') =>
  app.http().get(`/api/imbachat/v1/search/${encodeURIComponent(term)}${query}`).set('Authorization', AUTH);
const found = async (term: string) => {
  const res = await search(term);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id).sort((a, b) => a - b);
};

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  ids = {};
  for (const [username, displayName, blocked] of [
    ['alice', 'Alice Liddell', false],
    ['alfred', 'Alfred Pennyworth', false],
    ['percent', '100% Real', false],
    ['under_score', 'Mr Under', false],
    ['zoe', 'Zoë Saldaña', false],
    ['blockedal', 'Alan Blocked', true],
  ] as const) {
    ids[username] = (await createSiteUser(app.strapi, { username, displayName, blocked })).id;
  }
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [PASSWORD]);
  } finally {
    await app?.close();
  }
});
// Each test starts from the settings above (search mode `contains`, emails not shared) and puts back what it changes.
restoreAfterEach(() => app);

describe('GET /api/imbachat/v1/search/:key', () => {
  it('answers {code, version, data} with user objects', async () => {
    const res = await search('Liddell');
    expect(res.body).toEqual({ code: 200, version: 1, data: [{ user_id: ids.alice, name: 'Alice Liddell' }] });
  });

  it('matches the name field and the username, case-insensitively', async () => {
    expect(await found('LIDDELL')).toEqual([ids.alice]);
    expect(await found('alfr')).toEqual([ids.alfred]);
  });

  it('matches email addresses only while shareEmail is on', async () => {
    expect(await found('ZOE@EXAMPLE')).toEqual([]);
    expect(await found('@example.test')).toEqual([]);
    await configure(app.strapi, { searchMode: 'prefix' });
    expect(await found('zoe@')).toEqual([]);
    await configure(app.strapi, { searchMode: 'exact' });
    expect(await found('zoe@example.test')).toEqual([]);

    await configure(app.strapi, { shareEmail: true, searchMode: 'contains' });
    expect(await found('ZOE@EXAMPLE')).toEqual([ids.zoe]);
  });

  it('leaves blocked users out', async () => {
    expect(await found('Alan Blocked')).toEqual([]);
    expect(await found('blockedal')).toEqual([]);
    expect(await found('alfred')).toEqual([ids.alfred]);
  });

  it('takes % and _ as the characters they are', async () => {
    expect(await found('%')).toEqual([ids.percent]);
    expect(await found('_')).toEqual([ids.under_score]);
    expect(await found('100%')).toEqual([ids.percent]);
  });

  it('finds non-ASCII names in any case, on every database', async () => {
    expect(await found('Zoë')).toEqual([ids.zoe]);
    expect(await found('ZOË')).toEqual([ids.zoe]);
    expect(await found('saldaña')).toEqual([ids.zoe]);
    expect(await found('SALDAÑA')).toEqual([ids.zoe]);
  });

  it('answers data: [] for no match and for an empty term', async () => {
    expect((await search('nobody-has-this')).body).toEqual({ code: 200, version: 1, data: [] });
    const empty = await app.http().get('/api/imbachat/v1/search?q=').set('Authorization', AUTH);
    expect(empty.body).toEqual({ code: 200, version: 1, data: [] });
  });

  it('refuses a term longer than 100 characters with 400', async () => {
    const res = await search('a'.repeat(101));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, version: 1, error: expect.stringMatching(/longer than 100/), debug: '' });
  });
});

describe('search modes', () => {
  it('prefix matches the start of a field only', async () => {
    await configure(app.strapi, { searchMode: 'prefix' });
    expect(await found('Lidd')).toEqual([]);
    expect(await found('ALI')).toEqual([ids.alice]);
  });

  it('exact matches a whole field, case-insensitively', async () => {
    await configure(app.strapi, { searchMode: 'exact' });
    expect(await found('alic')).toEqual([]);
    expect(await found('ALICE')).toEqual([ids.alice]);
    expect(await found('alice liddell')).toEqual([ids.alice]);
  });
});

describe('GET /api/imbachat/v1/search?q=&limit=', () => {
  beforeAll(async () => {
    await insertSiteUsers(app.strapi, 120, 'member');
  });
  const query = (q: string) => app.http().get(`/api/imbachat/v1/search?${q}`).set('Authorization', AUTH);

  it('reads q and answers 20 users by default', async () => {
    const res = await query('q=member');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(20);
  });

  it('honours limit, up to 100', async () => {
    expect((await query('q=member&limit=5')).body.data).toHaveLength(5);
    expect((await query('q=member&limit=1000')).body.data).toHaveLength(100);
  });

  it.each(['limit=abc', 'limit=0', 'limit=-3', 'limit=1.5'])('refuses %s with 400', async (limit) => {
    const res = await query(`q=member&${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
  });

  it('refuses q given twice with 400', async () => {
    expect((await query('q=a&q=b')).status).toBe(400);
  });
});

describe('contains on 3,000 users: a term few users have', () => {
  it('is answered from the trigram index, reading about as many rows as match (MySQL: from its rarest trigram; PostgreSQL: its very common trigrams left out)', async () => {
    const seeded = await seedUsers(app.strapi, 3000, 'few');
    await searchIndexOf(app.strapi).rebuild();
    const seen: { sql: string; bindings: unknown[] }[] = [];
    const listener = (query: { sql: string; bindings?: unknown[] }) => {
      if (/imbachat_search/.test(query.sql)) seen.push({ sql: query.sql, bindings: query.bindings ?? [] });
    };
    const knex = app.strapi.db.connection;
    knex.on('query', listener);
    try {
      // Its username and its name hold it; `few12340` and up were not seeded.
      expect(await found('FEW1234')).toEqual([seeded[1234]]);
    } finally {
      knex.removeListener('query', listener);
    }
    if (client === 'mysql') {
      const lookup = seen.find((query) => /LOCATE/.test(query.sql))!;
      const [plan] = (await knex.raw(`EXPLAIN ${lookup.sql}`, lookup.bindings as never)) as [{ table: string; type: string; key: string | null; rows: number }[]];
      // Read from a rare trigram's rows (`123`: a dozen of the 9,000 rows), every other table by key.
      expect(plan[0]).toMatchObject({ table: 'g', key: 'imbachat_search_gram_gram' });
      expect(Number(plan[0].rows)).toBeLessThan(50);
      expect(plan.filter((row) => row.type === 'ALL' || row.type === 'index')).toEqual([]);
    }
    if (client === 'postgres') {
      const lookup = seen.find((query) => /@>/.test(query.sql))!;
      // `few` and `ew1`, in every row or a third of them, are not read from the GIN index.
      expect(lookup.bindings[0]).toEqual(expect.arrayContaining(['123', '234']));
      expect(lookup.bindings[0]).not.toContain('few');
    }
    const { name, col } = usersTable(app.strapi);
    await knex(name).where(col('username'), 'like', 'few%').delete();
    await searchIndexOf(app.strapi).check();
  }, 120_000);
});
