import type { Core } from '@strapi/strapi';
import { restoreAfterEach } from '../helpers/restore';
import { basic, configure, createSiteUser, insertSiteUsers, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #11, "bad input stays cheap": long terms are refused before any query, wildcards are
// characters, a term matching everyone answers `limit` users, and the statements the index runs are
// ones the database answers from the plugin's indexes. No timing here: speed is the benchmarks' job.
const LOGIN = 'chat';
const PASSWORD = 'bad-input-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const EVERYONE = 150;

let app: TestApp;
let everyone: number[];
let ids: Record<string, number>;

const search = (term: string, limit?: number) =>
  app
    .http()
    .get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}${limit === undefined ? '' : `&limit=${limit}`}`)
    .set('Authorization', AUTH);
const found = async (term: string, limit?: number) => {
  const res = await search(term, limit);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};

/** The SQL statements that read the plugin's index while `work` runs, with their bindings. */
const indexStatements = async (strapi: Core.Strapi, work: () => Promise<unknown>) => {
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (/imbachat_search/.test(query.sql)) seen.push({ sql: query.sql, bindings: query.bindings ?? [] });
  };
  strapi.db.connection.on('query', listener);
  try {
    await work();
  } finally {
    strapi.db.connection.removeListener('query', listener);
  }
  return seen;
};

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
  everyone = await insertSiteUsers(app.strapi, EVERYONE, 'every');
  ids = {};
  for (const [username, displayName, blocked] of [
    ['percent', '100% Real', false],
    ['percents', 'Triple %%% Name', false],
    ['under_score', 'Mr Under', false],
    ['unders', 'Dunder ___ Mifflin', false],
    ['%leading', 'Leading Percent', false],
    ['blocked%_', 'Blocked %%% ___', true],
  ] as const) {
    ids[username] = (await createSiteUser(app.strapi, { username, displayName, blocked })).id;
  }
});
afterAll(async () => {
  await app?.close();
});
restoreAfterEach(() => app);

describe('terms that are too long, or empty once trimmed', () => {
  it.each([
    ['q=', (term: string) => search(term)],
    [':key', (term: string) => app.http().get(`/api/imbachat/v1/search/${encodeURIComponent(term)}`).set('Authorization', AUTH)],
  ])('refuses a 200-character term (%s) with 400 in ImbaChat\'s shape, before any query of the index', async (_, ask) => {
    const statements = await indexStatements(app.strapi, async () => {
      const res = await ask('e'.repeat(200));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ code: 400, version: 1, error: expect.stringMatching(/longer than 100/), debug: '' });
    });
    expect(statements).toEqual([]);
  });

  it('takes a term of exactly 100 characters, refuses 101', async () => {
    expect(await found('e'.repeat(100))).toEqual([]);
    expect((await search('e'.repeat(101))).status).toBe(400);
  });

  it('counts characters, not UTF-16 units, after trimming: 100 emoji pass, spaces around do not count', async () => {
    expect(await found('😀'.repeat(100))).toEqual([]);
    expect(await found(`  ${'e'.repeat(100)}  `)).toEqual([]);
    expect((await search('😀'.repeat(101))).status).toBe(400);
  });

  it.each(['   ', ' ', '\t \t'])('answers data: [] for a term of only whitespace (%j), without reading the index', async (term) => {
    for (const searchMode of ['contains', 'prefix', 'exact']) {
      await configure(app.strapi, { searchMode });
      const statements = await indexStatements(app.strapi, async () => {
        const res = await search(term);
        expect(res.body).toEqual({ code: 200, version: 1, data: [] });
      });
      expect(statements).toEqual([]);
    }
  });
});

describe('terms of wildcards only', () => {
  it('contains: % and _ match only the users that hold them, blocked users left out', async () => {
    expect(await found('%')).toEqual([ids.percent, ids.percents, ids['%leading']]);
    expect(await found('%%%')).toEqual([ids.percents]);
    expect(await found('%%%%')).toEqual([]);
    expect(await found('_')).toEqual([ids.under_score, ids.unders]);
    expect(await found('___')).toEqual([ids.unders]);
    expect(await found('%_')).toEqual([]);
  });

  it('prefix: a leading % matches only values that start with it', async () => {
    await configure(app.strapi, { searchMode: 'prefix' });
    expect(await found('%')).toEqual([ids['%leading']]);
    expect(await found('_')).toEqual([]);
    expect(await found('%%%')).toEqual([]);
  });

  it('exact: % and ___ match no whole value', async () => {
    await configure(app.strapi, { searchMode: 'exact' });
    expect(await found('%')).toEqual([]);
    expect(await found('___')).toEqual([]);
    expect(await found('100% REAL')).toEqual([ids.percent]);
  });
});

describe('a term matching everyone', () => {
  it('contains: limit=100 answers the first 100 users by id, each once', async () => {
    const answer = await found('every', 100);
    expect(answer).toEqual(everyone.slice(0, 100));
    expect((await found('e', 100)).length).toBe(100);
    expect(await found('every')).toEqual(everyone.slice(0, 20));
  });

  it('prefix: limit=100 answers 100 users ranked by the matched value, then id', async () => {
    await configure(app.strapi, { searchMode: 'prefix' });
    // insertSiteUsers names them every0 … every149: ranked as text, every0, every1, every10, every100, …
    const ranked = everyone.map((id, i) => ({ id, key: `every${i}` })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
    expect(await found('EVERY', 100)).toEqual(ranked.slice(0, 100).map((user) => user.id));
    expect(await found('every1', 5)).toEqual(ranked.filter((user) => user.key.startsWith('every1')).slice(0, 5).map((user) => user.id));
  });
});

/**
 * The plan the database makes for each statement the index ran. PostgreSQL plans a table this small
 * with a scan in table or id order whatever other index it has, so there it is asked with those priced
 * out (`pricedOut`: `seqscan`, `indexscan`): a statement no other index can serve still shows one.
 */
const plansOf = async (strapi: Core.Strapi, statements: { sql: string; bindings: unknown[] }[], pricedOut: string[]) => {
  const knex = strapi.db.connection;
  const plans: string[] = [];
  for (const { sql, bindings } of statements) {
    const asKnex = sql.replace(/\$\d+/g, '?');
    if (client === 'sqlite') {
      const rows = (await knex.raw(`EXPLAIN QUERY PLAN ${asKnex}`, bindings as never)) as { detail: string }[];
      plans.push(rows.map((row) => row.detail).join('\n'));
    } else if (client === 'postgres') {
      await knex.transaction(async (trx) => {
        for (const kind of pricedOut) await trx.raw(`SET LOCAL enable_${kind} = off`);
        const result = await trx.raw(`EXPLAIN ${asKnex}`, bindings as never);
        plans.push(result.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n'));
      });
    } else {
      // MySQL's `contains` asks the server's estimates with an EXPLAIN of its own: that one is shown as it is.
      const [rows] = await knex.raw(/^\s*EXPLAIN\b/i.test(asKnex) ? asKnex : `EXPLAIN ${asKnex}`, bindings as never);
      plans.push((rows as { table: string; possible_keys: string | null; key: string | null }[]).map((row) => `${row.table} possible_keys=${row.possible_keys} key=${row.key}`).join('\n'));
    }
  }
  return plans;
};

describe('the statements the index runs are answered from its indexes', () => {
  beforeAll(async () => {
    if (client === 'postgres') await app.strapi.db.connection.raw('ANALYZE imbachat_search');
  });

  const plansFor = async (mode: string, term: string) => {
    await configure(app.strapi, { searchMode: mode });
    const statements = await indexStatements(app.strapi, () => found(term));
    expect(statements.length).toBeGreaterThan(0);
    // `contains` ranks by id: on a small table PostgreSQL rightly walks the primary key and filters.
    return plansOf(app.strapi, statements, mode === 'contains' ? ['seqscan', 'indexscan'] : ['seqscan']);
  };

  it.each([
    ['exact', 'every42'],
    ['prefix', 'every4'],
    ['prefix', 'EVERY'],
  ])('%s (%s): a seek on imbachat_search_folded, never a scan of the table', async (mode, term) => {
    for (const plan of await plansFor(mode, term)) {
      if (client === 'sqlite') {
        // SQLite cannot rename an index: a rebuild's swap leaves it under one of two names.
        expect(plan).toMatch(/SEARCH imbachat_search USING (COVERING )?INDEX imbachat_search_folded(_b)? \(folded[=>]/);
        expect(plan).not.toMatch(/SCAN imbachat_search\b|TEMP B-TREE/);
      } else if (client === 'postgres') {
        expect(plan).toMatch(/Index (Only )?Scan using imbachat_search_folded on imbachat_search|Bitmap Index Scan on imbachat_search_folded/);
        expect(plan).not.toMatch(/Seq Scan/);
      } else {
        expect(plan).toMatch(/possible_keys=[^\n]*imbachat_search_folded/);
      }
    }
  });

  it.each(['ery', 'very4'])('contains (%s): a lookup in the trigram index (SQLite, PostgreSQL) or the trigram table (MySQL)', async (term) => {
    const plans = await plansFor('contains', term);
    for (const plan of plans) {
      // PostgreSQL first checks the term's pairs of characters in imbachat_search_short, by its key.
      if (/imbachat_search_short/.test(plan)) {
        expect(plan).toMatch(/SEARCH imbachat_search_short USING COVERING INDEX|Index Only Scan using imbachat_search_short_pkey|Bitmap Index Scan on imbachat_search_short_pkey|possible_keys=PRIMARY/);
        continue;
      }
      if (client === 'sqlite') {
        expect(plan).toMatch(/SCAN imbachat_search_trigrams VIRTUAL TABLE INDEX \d+:M/);
        // A term of more than three characters is checked on the rows the trigrams found, each by its row id.
        if (Array.from(term).length > 3) expect(plan).toMatch(/SEARCH s USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(plan).not.toMatch(/SCAN (imbachat_search|s)\b(?! VIRTUAL)/);
      } else if (client === 'postgres') {
        // A term whose trigrams are all common may first read a bounded run of rows in id order (a limit inside a limit).
        if (!/imbachat_search_grams/.test(plan)) {
          expect(plan).toMatch(/^Limit[\s\S]*Subquery Scan[\s\S]*Limit/);
          continue;
        }
        expect(plan).toMatch(/Bitmap Index Scan on imbachat_search_grams[^\n]*\n\s+Index Cond: \(grams @> /);
        expect(plan).not.toMatch(/Seq Scan|Index Scan using imbachat_search_pkey/);
      } else {
        // MariaDB/MySQL: the plugin's trigram table through its (gram, id) index, every other table by key.
        expect(plan).toMatch(/key=imbachat_search_gram_gram/);
        expect(plan).not.toMatch(/key=null/);
      }
    }
  });

  (client === 'postgres' ? it : it.skip)(
    'contains on PostgreSQL: a term common by its statistics reads a bounded run in id order first, a rare one asks the GIN index, both as a plain scan answers',
    async () => {
      await configure(app.strapi, { searchMode: 'contains' });
      // A rebuild leaves the table vacuumed and analyzed, and the plugin reads the statistics again.
      await app.strapi.plugin('imbachat').service('searchIndex').rebuild();
      const reference = async (term: string, limit: number) => {
        const rows = (await app.strapi.db.connection('imbachat_search').select('id', 'folded').whereRaw('id % 4 <> 2').orderBy('id')) as {
          id: string;
          folded: string;
        }[];
        return [...new Set(rows.filter((row) => row.folded.includes(term)).map((row) => Math.floor(Number(row.id) / 4)))].slice(0, limit);
      };
      const common = await indexStatements(app.strapi, async () => expect(await found('very', 5)).toEqual(await reference('very', 5)));
      expect(common.some((statement) => /LIMIT 4000\)/.test(statement.sql))).toBe(true);
      expect(common.some((statement) => /grams @>/.test(statement.sql))).toBe(false);
      const rare = await indexStatements(app.strapi, async () => expect(await found('ry42', 5)).toEqual(await reference('ry42', 5)));
      expect(rare.some((statement) => /LIMIT 4000\)/.test(statement.sql))).toBe(false);
      expect(rare.some((statement) => /grams @>/.test(statement.sql))).toBe(true);
    }
  );

  it.each(['y1', 'zq'])('contains (%s): a short term is looked up in imbachat_search_short first, and one nobody has stops there', async (term) => {
    const plans = await plansFor('contains', term);
    // MariaDB reads the primary key while planning, and for a missing gram plans nothing at all.
    const missingOnMariaDb = client === 'mysql' && term === 'zq' ? '|^null possible_keys=null key=null$' : '';
    expect(plans[0]).toMatch(new RegExp(`SEARCH imbachat_search_short USING COVERING INDEX|imbachat_search_short_pkey|imbachat_search_short possible_keys=PRIMARY${missingOnMariaDb}`));
    // `zq` is in nobody's name: nothing else is read. `y1` is (every1…): the table is read in id order to the limit.
    expect(plans).toHaveLength(term === 'zq' ? 1 : 2);
  });
});
