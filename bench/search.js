// Search at scale, for `npm run bench` (or alone: `node bench/search.js [sqlite,postgres,mysql]`):
// a site per database, users bulk-seeded to 100,000 and then 1,000,000, the plugin's search index
// rebuilt, then one connection sending requests one after another. Each search mode's p50 is shown
// next to users-by-id with 10 ids from the same site at the same size.
const { createTestDatabase } = require('../tests/helpers/database');
const http = require('node:http');
const { startSite } = require('./site');

const SECONDS = Number(process.env.BENCH_SEARCH_SECONDS || 3);
const SIZES = (process.env.BENCH_SEARCH_SIZES || '100000,1000000').split(',').map(Number);
const TERMS = 200;

const basic = (login, password) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A fresh PostgreSQL or MariaDB database for one run (made as the tests make theirs), dropped after it. */
const freshDatabase = (client) =>
  client === 'sqlite' ? { env: {}, drop: async () => {} } : createTestDatabase(client, 'imbachat_bench');

/**
 * One connection, one request after another, paths taken in turn, for SECONDS: p50 and p99 in ms
 * to a hundredth (autocannon rounds latencies to whole milliseconds, too coarse here).
 */
const sequential = async (baseUrl, paths, headers, expectStatus = 200, seconds = SECONDS) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      http
        .get(`${baseUrl}${path}`, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
        })
        .on('error', reject);
    });
  for (let i = 0; i < 20; i += 1) await get(paths[i % paths.length]); // warm-up
  const times = [];
  const until = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < until; i += 1) {
    const { status, ms } = await get(paths[i % paths.length]);
    if (status !== expectStatus) throw new Error(`${paths[i % paths.length]}: answered ${status}, not ${expectStatus}`);
    times.push(ms);
  }
  agent.destroy();
  if (times.length === 0) return { requests: 0, p50: 0, p99: 0 };
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  return { requests: times.length, p50: at(0.5), p99: at(0.99) };
};

const q = (term) => encodeURIComponent(term);

/** The search measurements on one database: returns rows for the report. */
const benchDatabase = async (client) => {
  const database = await freshDatabase(client);
  Object.assign(process.env, { BENCH_DATABASE_CLIENT: client, ...database.env });
  const site = await startSite();
  const auth = { Authorization: basic(site.login, site.password) };
  const results = [];
  try {
    for (const size of SIZES) {
      const seeded = await site.call('bulkSeed', { total: size });
      const built = await site.call('rebuildSearch');
      console.log(
        `bench search ${client}: ${fmt(seeded.users)} users seeded in ${fmt(seeded.ms / 1000, 1)} s, ` +
          `index rebuilt in ${fmt(built.ms / 1000, 1)} s`
      );
      const terms = await site.call('searchTerms', { count: TERMS });
      // Every route once before any is measured, so none is measured cold.
      for (const mode of ['exact', 'prefix', 'contains']) {
        await site.call('settings', { values: { searchMode: mode } });
        for (const term of terms[mode].slice(0, 50)) await sequential(site.baseUrl, [`/api/imbachat/v1/search/${q(term)}`], auth, 200, 0);
      }
      await sequential(site.baseUrl, terms.ids10.map((ids) => `/api/imbachat/v1/users/${ids}`), auth, 200, 1);
      const byId = await sequential(site.baseUrl, terms.ids10.map((ids) => `/api/imbachat/v1/users/${ids}`), auth);
      const row = { client, size, seedMs: seeded.ms, buildMs: built.ms, byId, modes: {}, bad: {} };
      for (const mode of ['exact', 'prefix', 'contains']) {
        await site.call('settings', { values: { searchMode: mode } });
        await new Promise((resolve) => setTimeout(resolve, 1100)); // past the settings cache
        row.modes[mode] = await sequential(site.baseUrl, terms[mode].map((term) => `/api/imbachat/v1/search/${q(term)}`), auth);
      }
      // Bad input, in the mode that does the most work (contains).
      const bad = {
        'longest term (100 characters)': [[`/api/imbachat/v1/search/${'ab'.repeat(50)}`], 200],
        '200-character term (refused)': [[`/api/imbachat/v1/search/${'ab'.repeat(100)}`], 400],
        'only wildcards (%, _, %%%, _%_)': [['%', '_', '%%%', '_%_'].map((t) => `/api/imbachat/v1/search/${q(t)}`), 200],
        'only spaces': [[`/api/imbachat/v1/search?q=${q('     ')}`], 200],
        'one letter, limit=100 (matches nearly everyone)': [['/api/imbachat/v1/search?q=a&limit=100'], 200],
        'two letters nobody has': [[`/api/imbachat/v1/search/${q('qж')}`], 200],
        [MIXED]: [terms.mixed.map((t) => `/api/imbachat/v1/search/${q(t)}`), 200],
      };
      for (const [name, [paths, status]] of Object.entries(bad)) row.bad[name] = await sequential(site.baseUrl, paths, auth, status);
      results.push(row);
      const line = (name, r) => `${name} ${fmt(r.p50, 2)} ms (${fmt(r.p50 / Math.max(byId.p50, 0.01), 2)}×)`;
      console.log(
        `bench search ${client} @ ${fmt(size)}: users-by-id(10) ${fmt(byId.p50, 2)} ms; ` +
          Object.entries(row.modes).map(([mode, r]) => line(mode, r)).join('; ')
      );
    }
  } finally {
    await site.call('stop').catch(() => {});
    if (process.env.BENCH_KEEP_DATABASE) console.log(`bench search ${client}: kept database ${JSON.stringify(database.env)}`);
    else await database.drop().catch(() => {});
  }
  return results;
};

/** Targets from the issue: at 100,000 users exact/prefix ≤ 2×, contains ≤ 4×; at 1,000,000, 3× and 6×. */
const target = (size, mode) => (mode === 'contains' ? (size >= 1_000_000 ? 6 : 4) : size >= 1_000_000 ? 3 : 2);

const benchSearch = async (clients) => {
  const rows = [];
  for (const client of clients) rows.push(...(await benchDatabase(client)));
  return rows;
};

/** Markdown for docs/benchmarks.md. */
const searchReport = (rows) => {
  const lines = [
    '| database | users | seed | index build | users-by-id(10) p50 | exact p50 | prefix p50 | contains p50 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const cell = (row, mode) => {
    const r = row.modes[mode];
    const ratio = r.p50 / Math.max(row.byId.p50, 0.01);
    const met = ratio <= target(row.size, mode) ? '' : ' **missed**';
    return `${fmt(r.p50, 2)} ms (${fmt(ratio, 2)}×, ≤ ${target(row.size, mode)}×${met})`;
  };
  for (const row of rows) {
    lines.push(
      `| ${row.client} | ${fmt(row.size)} | ${fmt(row.seedMs / 1000, 1)} s | ${fmt(row.buildMs / 1000, 1)} s | ${fmt(row.byId.p50, 2)} ms | ` +
        `${cell(row, 'exact')} | ${cell(row, 'prefix')} | ${cell(row, 'contains')} |`
    );
  }
  lines.push('', '| database | users | bad input and other terms (contains mode) | p50 | p99 | × users-by-id(10) |', '|---|---:|---|---:|---:|---:|');
  for (const row of rows) {
    for (const [name, r] of Object.entries(row.bad)) {
      lines.push(`| ${row.client} | ${fmt(row.size)} | ${name} | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.p50 / Math.max(row.byId.p50, 0.01), 2)}× |`);
    }
  }
  return lines.join('\n');
};

/** PostgreSQL at 100,000 users: terms mixing very common and rare trigrams, ≤ 3× too. */
const MIXED = 'rare and very common trigrams (`10000@example`)';
const MIXED_TARGET = 3;

const checksOf = (rows) =>
  rows.flatMap((row) => {
    const checks = ['exact', 'prefix', 'contains'].map((mode) => {
      const ratio = row.modes[mode].p50 / Math.max(row.byId.p50, 0.01);
      return [`search ${mode} / users-by-id(10), ${row.client}, ${fmt(row.size)} users`, `${fmt(ratio, 2)}×`, `≤ ${target(row.size, mode)}×`, ratio <= target(row.size, mode)];
    });
    if (row.client === 'postgres' && row.size === 100_000) {
      const ratio = row.bad[MIXED].p50 / Math.max(row.byId.p50, 0.01);
      checks.push([`search contains, ${MIXED} / users-by-id(10), postgres, 100,000 users`, `${fmt(ratio, 2)}×`, `≤ ${MIXED_TARGET}×`, ratio <= MIXED_TARGET]);
    }
    return checks;
  });

module.exports = { benchSearch, searchReport, checksOf };

if (require.main === module) {
  const clients = (process.argv[2] || 'sqlite,postgres,mysql').split(',');
  benchSearch(clients)
    .then((rows) => {
      console.log(searchReport(rows));
      for (const [name, measured, goal, met] of checksOf(rows)) console.log(`${met ? 'met   ' : 'MISSED'} ${name}: ${measured} (${goal})`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
