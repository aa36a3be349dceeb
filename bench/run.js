#!/usr/bin/env node
// npm run bench: the plugin's chat-server and token routes against Strapi's own routes on one
// site (the playground in production mode, 10,000 users), driven by autocannon. Prints figures and
// ratios, checks them against the targets, and writes docs/benchmarks.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { startSite } = require('./site');
const { benchSearch, searchReport, checksOf } = require('./search');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);

const basic = (login, password) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

const load = (url, headers, seconds = SECONDS) =>
  new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: CONNECTIONS, duration: seconds }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0 || result.errors > 0) {
        return reject(new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`));
      }
      resolve({ rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99 });
    });
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const summarize = (runs) => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
});

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

(async () => {
  console.log(`bench: starting the playground in production mode (${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections)`);
  const site = await startSite();
  const seeded = await site.call('seed', { count: 10_000 - 1 });
  console.log(`bench: seeded ${fmt(seeded.seeded + 1)} users in ${fmt(seeded.ms)} ms`);

  const ids = (count) => Array.from({ length: count }, (_, i) => i + 2);
  const auth = { Authorization: basic(site.login, site.password) };
  const bearer = { Authorization: `Bearer ${site.jwt}` };
  const strapiIn = ids(100).map((id, i) => `filters[id][$in][${i}]=${id}`).join('&');
  const routes = {
    'users-by-id (100 ids)': [`${site.baseUrl}/api/imbachat/v1/users/${ids(100).join(',')}`, auth],
    "Strapi's users find (100 ids)": [`${site.baseUrl}/api/users?${strapiIn}`, {}],
    'GET /_health': [`${site.baseUrl}/_health`, {}],
    'chat token': [`${site.baseUrl}/api/imbachat/token`, bearer],
    'GET /api/users/me': [`${site.baseUrl}/api/users/me`, bearer],
  };

  /** One run of a route under load, with the site's CPU time per request it answered. */
  const measured = async (name) => {
    const cpuBefore = (await site.call('cpu')).us;
    const run = await load(...routes[name]);
    run.cpuPerRequest = ((await site.call('cpu')).us - cpuBefore) / run.total;
    return run;
  };
  const queryCount = async (count) => {
    await site.call('resetQueries');
    const res = await fetch(`${site.baseUrl}/api/imbachat/v1/users/${ids(count).join(',')}`, { headers: auth });
    if (!res.ok) throw new Error(`users-by-id answered ${res.status}`);
    return (await site.call('queries')).queries;
  };
  // Chat identity (#12): each setting against itself off, in paired runs. Each round runs the route
  // with the setting off and on back to back (which goes first alternates by round), and the ratio
  // is the median of the rounds' on/off ratios: drift over the run (a busy minute, a warmer JIT)
  // falls on both halves of a pair, where comparing with the first part's rounds minutes earlier
  // did not.
  const PAIRED_ROUNDS = Math.max(ROUNDS, 5);
  const IDENTITY_OFF = { chatRoles: false, trackLastSeen: false, badgeField: '', lastLoginField: '' };
  /** A route run with something off and on back to back in each round (`setMode` switches it), which goes first alternating. */
  const pairedBy = async (name, setMode) => {
    const runs = { off: [], on: [] };
    const ratios = [];
    const cpuRatios = [];
    // The switched code path is cold at first, where the route with it off ran in every round before: warm both.
    for (const mode of ['on', 'off']) {
      await setMode(mode);
      await load(...routes[name], 2);
    }
    for (let round = 1; round <= PAIRED_ROUNDS; round += 1) {
      const order = round % 2 ? ['off', 'on'] : ['on', 'off'];
      const pair = {};
      for (const mode of order) {
        await setMode(mode);
        pair[mode] = await measured(name);
        runs[mode].push(pair[mode]);
      }
      ratios.push(pair.on.rps / pair.off.rps);
      cpuRatios.push(pair.off.cpuPerRequest / pair.on.cpuPerRequest);
    }
    return { off: summarize(runs.off), on: summarize(runs.on), ratio: median(ratios), cpuRatio: median(cpuRatios), ratios, inProcess: {} };
  };
  const paired = async (name, on) => {
    const setMode = (mode) => site.call('settings', { values: mode === 'on' ? { ...IDENTITY_OFF, ...on } : IDENTITY_OFF });
    const result = await pairedBy(name, setMode);
    // The same two settings in-process: what the users service itself costs, without HTTP and the bytes sent.
    if (name === 'users-by-id (100 ids)') {
      for (const mode of ['off', 'on']) {
        await setMode(mode);
        result.inProcess[mode] = (await site.call('usersCost', { count: 100, calls: 2000 })).us;
      }
    }
    await site.call('settings', { values: IDENTITY_OFF });
    return result;
  };
  const rounds = (pair) => pair.ratios.map((ratio) => fmt(ratio, 2)).join(', ');
  const pairLine = (label, pair) =>
    `${label}: on/off ${fmt(pair.ratio, 2)} (rounds ${rounds(pair)}; ${fmt(pair.off.rps)} → ${fmt(pair.on.rps)} req/s), site CPU per request off/on ${fmt(pair.cpuRatio, 2)} (${fmt(pair.off.cpuPerRequest)} → ${fmt(pair.on.cpuPerRequest)} µs)`;

  // The chat server's status (#20): users by id with the recording off and on, in paired rounds.
  // On, each call is noted in memory and written at most every 5 s (one statement for all routes).
  // BENCH_STATUS_AA=1: the recording on in both halves, to see the spread of the pairing itself.
  const statusPair = await pairedBy('users-by-id (100 ids)', (mode) =>
    site.call('statusRecording', { on: mode === 'on' || Boolean(process.env.BENCH_STATUS_AA) })
  );
  await site.call('statusRecording', { on: true });
  await queryCount(1);
  const statusQueries = { 1: await queryCount(1), 1000: await queryCount(1000) };
  // What noting one call costs, in-process: the paired HTTP rounds cannot resolve a few microseconds.
  const statusCost = (await site.call('statusCost', { calls: 200_000 })).us;
  const statusLines = [
    `${pairLine('users-by-id (100 ids), the chat server\'s status recorded', statusPair)}; noting one call in-process ${fmt(statusCost, 2)} µs`,
    `SQL queries per users-by-id with the status recorded (1 id, 1000 ids): ${statusQueries[1]}, ${statusQueries[1000]}`,
  ];
  for (const line of statusLines) console.log(`bench: ${line}`);
  if (process.env.BENCH_ONLY === 'status') {
    await site.call('stop');
    process.exit(0);
  }

  const runs = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const name of Object.keys(routes)) runs[name].push(await measured(name));
    console.log(`bench: round ${round}/${ROUNDS} done`);
  }
  const main = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summarize(list)]));

  const sizes = {};
  for (const count of [1, 10, 100, 1000]) {
    sizes[count] = await new Promise((resolve, reject) => {
      autocannon(
        {
          url: `${site.baseUrl}/api/imbachat/v1/users`,
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ user_ids: ids(count).join(',') }),
          connections: CONNECTIONS,
          duration: 3,
        },
        (error, result) => (error ? reject(error) : resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }))
      );
    });
  }

  // The first request after a settings read may include it: warm up, then count.
  await queryCount(1);
  const queries = { 1: await queryCount(1), 1000: await queryCount(1000) };

  const roleMap = { authenticated: { permissions: { video_calls: false } }, moderator: { chat_role: 'admin' } };
  const identity = {
    users: await paired('users-by-id (100 ids)', { chatRoles: true, roleMap }),
    token: await paired('chat token', { trackLastSeen: true }),
    everything: await paired('users-by-id (100 ids)', {
      chatRoles: true,
      roleMap,
      trackLastSeen: true,
      badgeField: 'plan',
      lastLoginField: 'lastVisit',
    }),
  };
  console.log('bench: chat identity rounds done');
  await site.call('settings', { values: { chatRoles: true, roleMap, trackLastSeen: true, badgeField: 'plan', lastLoginField: 'lastVisit' } });
  await queryCount(1);
  const identityQueries = { 1: await queryCount(1), 1000: await queryCount(1000) };
  const serviceCost = ({ inProcess }) =>
    inProcess.on === undefined ? '' : `; the users service in-process ${fmt(inProcess.off)} → ${fmt(inProcess.on)} µs a call`;
  const identityLine = (label, pair) => `${pairLine(label, pair)}${serviceCost(pair)}`;
  const identityLines = [
    identityLine('users-by-id (100 ids), chatRoles', identity.users),
    identityLine('users-by-id (100 ids), chatRoles + badge + lastlogin + trackLastSeen', identity.everything),
    identityLine('chat token, trackLastSeen', identity.token),
    `SQL queries per users-by-id with all of it on (1 id, 1000 ids): ${identityQueries[1]}, ${identityQueries[1000]}`,
  ];
  for (const line of identityLines) console.log(`bench: ${line}`);

  // BENCH_ONLY=hot: the per-request routes alone, in about five minutes; no search, nothing written.
  if (process.env.BENCH_ONLY === 'hot') {
    await site.call('stop');
    for (const [name, s] of [...Object.entries(main), ...Object.entries(sizes).map(([n, s]) => [`users-by-id, POST ${n} ids`, s])]) {
      const cpu = s.cpuPerRequest ? `  site CPU ${fmt(s.cpuPerRequest)} µs/request` : '';
      console.log(`${name.padEnd(32)} ${fmt(s.rps).padStart(7)} req/s  p50 ${fmt(s.p50, 1)} ms  p99 ${fmt(s.p99, 1)} ms${cpu}`);
    }
    const health = main['GET /_health'];
    for (const name of ['users-by-id (100 ids)', 'chat token']) {
      const byCpu = health.cpuPerRequest / main[name].cpuPerRequest;
      console.log(`${name} / GET /_health: ${fmt(main[name].rps / health.rps, 2)} (by site CPU per request: ${fmt(byCpu, 2)})`);
    }
    console.log(`SQL queries per users-by-id (1 id, 1000 ids): ${queries[1]}, ${queries[1000]}`);
    process.exit(0);
  }

  await site.call('stop');

  // Search at 100,000 and 1,000,000 users, a site per database (bench/search.js).
  const searchClients = (process.env.BENCH_SEARCH_DATABASES || 'sqlite,postgres,mysql').split(',').filter(Boolean);
  const searchRows = await benchSearch(searchClients);

  const ratio = (a, b) => a / b;
  const r = {
    vsFind: ratio(main['users-by-id (100 ids)'].rps, main["Strapi's users find (100 ids)"].rps),
    vsHealth: ratio(main['users-by-id (100 ids)'].rps, main['GET /_health'].rps),
    tokenVsMe: ratio(main['chat token'].rps, main['GET /api/users/me'].rps),
    tokenVsHealth: ratio(main['chat token'].rps, main['GET /_health'].rps),
    p50_1000_vs_10: ratio(sizes[1000].p50, Math.max(sizes[10].p50, 1)),
  };
  const checks = [
    ['users-by-id(100) / Strapi users find(100)', `${fmt(r.vsFind, 2)}×`, '≥ 8×', r.vsFind >= 8],
    ['users-by-id(100) / GET /_health', fmt(r.vsHealth, 2), '≥ 0.45', r.vsHealth >= 0.45],
    ['chat token / GET /_health', fmt(r.tokenVsHealth, 2), '≥ 0.60', r.tokenVsHealth >= 0.6],
    ['chat token / GET /api/users/me', `${fmt(r.tokenVsMe, 2)}×`, '≥ 3×', r.tokenVsMe >= 3],
    ['SQL queries per users-by-id (1 id, 1000 ids)', `${queries[1]}, ${queries[1000]}`, 'constant, ≤ 2', queries[1] === queries[1000] && queries[1000] <= 2],
    ['p50 1000 ids / p50 10 ids', `${fmt(r.p50_1000_vs_10, 2)}×`, '≤ 5×', r.p50_1000_vs_10 <= 5],
    ['users-by-id(100) req/s, chatRoles on / off (paired rounds)', fmt(identity.users.ratio, 2), '≥ 0.85', identity.users.ratio >= 0.85],
    [
      'users-by-id(100) req/s, chatRoles + badge + lastlogin + trackLastSeen on / off',
      fmt(identity.everything.ratio, 2),
      'for information',
      null,
    ],
    ['chat token req/s, trackLastSeen on / off (paired rounds)', fmt(identity.token.ratio, 2), '≥ 0.90', identity.token.ratio >= 0.9],
    ['users-by-id(100) req/s, status recorded on / off (paired rounds)', fmt(statusPair.ratio, 2), '≥ 0.90', statusPair.ratio >= 0.9],
    [
      'SQL queries per users-by-id, status recorded (1 id, 1000 ids)',
      `${statusQueries[1]}, ${statusQueries[1000]}`,
      'constant, ≤ 2',
      statusQueries[1] === statusQueries[1000] && statusQueries[1000] <= 2,
    ],
    [
      'SQL queries per users-by-id, all of it on (1 id, 1000 ids)',
      `${identityQueries[1]}, ${identityQueries[1000]}`,
      'constant, ≤ 2',
      identityQueries[1] === identityQueries[1000] && identityQueries[1000] <= 2,
    ],
    ...checksOf(searchRows),
  ];

  const lines = [];
  lines.push('| route | requests/s | p50 ms | p99 ms |', '|---|---:|---:|---:|');
  for (const [name, s] of Object.entries(main)) lines.push(`| ${name} | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} |`);
  for (const [count, s] of Object.entries(sizes)) lines.push(`| users-by-id, POST ${count} ids | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} |`);
  const identityRows = [
    ['users-by-id (100 ids), chatRoles', identity.users],
    ['users-by-id (100 ids), chatRoles + badge + lastlogin + trackLastSeen', identity.everything],
    ['chat token, trackLastSeen', identity.token],
  ];
  for (const [name, pair] of identityRows) {
    for (const mode of ['off', 'on']) {
      const s = pair[mode];
      lines.push(`| ${name} ${mode} | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} |`);
    }
  }
  lines.push('', '| ratio | measured | target | |', '|---|---:|---:|---|');
  for (const [name, value, target, ok] of checks) lines.push(`| ${name} | ${value} | ${target} | ${ok === null ? '' : ok ? 'met' : 'MISSED'} |`);
  const table = lines.join('\n');
  const searchTable = searchReport(searchRows);
  console.log(`\n${table}\n\n${searchTable}\n`);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const doc = `# Benchmarks

The last run of \`npm run bench\` (${new Date().toISOString().slice(0, 10)}), on ${machine}.

The playground in production mode (\`NODE_ENV=production\`) on SQLite with 10,000 site users, and
autocannon in the benchmark's own process on the same machine: ${CONNECTIONS} connections,
${ROUNDS} rounds of ${SECONDS} s per route, routes alternating within each round, medians shown.
Strapi's own users find had the public \`find\` permission for the run. The rows "off" and "on":
a chat-identity setting compared with itself off in ${PAIRED_ROUNDS} paired rounds (the route run
with it off and on back to back, which goes first alternating by round; the ratio is the median of
the rounds' ratios): \`chatRoles\` with a role map (each user has a role, every third a moderator);
then that with \`trackLastSeen\`, \`badgeField\` and \`lastLoginField\` too; and the chat token with
\`trackLastSeen\`.

${identityLines.map((line) => `- ${line}`).join('\n')}

${table}

## The chat server's status

Each chat-server call is noted for Settings → ImbaChat's status (issue #20): in memory, and written
to \`imbachat_status\` at most every 5 s per instance, all routes in one statement. Users by id (100
ids) with the recording off (the benchmark's site replaces the status service's \`record\` with a
no-op; the plugin has no switch) and on, in ${PAIRED_ROUNDS} paired rounds as above:

${statusLines.map((line) => `- ${line}`).join('\n')}

\`BENCH_ONLY=status node bench/run.js\` runs this part alone (about a minute).

## Search at 100,000 and 1,000,000 users

A site per database (SQLite; PostgreSQL and MariaDB each in a fresh database of their own), users
written with plain SQL in bulk (given and family names from 40 × 40, some beyond ASCII; one in 97
blocked), the plugin's index rebuilt (the "index build" column: what a first start-up on such a site
costs), then **one connection, one request after another**, p50 and p99 measured in the benchmark
to a hundredth of a millisecond. Terms come from the site's own users: \`exact\` a whole name in
capitals, \`prefix\` its first 3–6 characters in capitals, \`contains\` four characters from inside a
name (half the terms), a username's digits (a quarter) or a username's number and \`@example\` (a
quarter: rare trigrams and some every email holds, as \`ember10000\` among \`member…\` users); users by
id asks for 10 random ids. Each mode's p50 is shown with its ratio to users-by-id(10) in the same
site at the same size. Targets (every database): at 100,000 users \`exact\` and \`prefix\` ≤ 2×,
\`contains\` ≤ 4×; at 1,000,000, ≤ 3× and ≤ 6×; PostgreSQL at 100,000 users, the number-and-\`@example\`
terms alone (second table) ≤ 3×.

${searchTable}

Reproduce: \`npm install && npm run bench\` (about fifteen minutes: the 1,000,000-user sites take
most of it). \`BENCH_ROUNDS\`, \`BENCH_SECONDS\` and \`BENCH_CONNECTIONS\` change the first part;
\`node bench/search.js sqlite,postgres,mysql\` runs the search part alone (\`BENCH_SEARCH_SIZES\`,
\`BENCH_SEARCH_SECONDS\`, \`BENCH_SEARCH_DATABASES\` for \`npm run bench\`).
\`node bench/profile.js token|users100|users1000|search\` runs one route under \`node --cpu-prof\`
and prints where the site's CPU time went.

## Where the time goes

With 10 connections on 2 cores every route is CPU-bound, so p50 is mostly queueing: about
connections ÷ requests/s.

- **Chat token.** Before the first fix, 37 % of the site's CPU went to \`createPrivateKey\` and
  \`createPublicKey\`: given a string secret, jsonwebtoken first tries to read it as a PEM key on
  every call; a \`KeyObject\` made once per secret took the route from 663 to about 1,700
  requests/s. Profiled again (\`node bench/profile.js token\`, the load alone) the route spent 17 %
  in jsonwebtoken: \`verify\` of the site user's JWT (8.7 %) and \`sign\` of the chat token (8.2 %,
  mostly its option checks). Now a legacy-mode access token verified once is remembered by its exact
  text for at most a minute and never past its expiry (refresh-mode tokens, which can be revoked,
  go to users-permissions every time; the account's state is read every time), and the chat
  token is signed with \`node:crypto\`, byte for byte what jsonwebtoken gives (a unit test compares
  2,000 tokens). With the prepared statement below: token / \`/_health\` 0.50 → 0.69 (site CPU per
  request 750 → 603 µs, \`/_health\` about 400 µs), \`BENCH_ONLY=hot node bench/run.js\`.
- **Chat identity.** With \`chatRoles\` on, each of the 100 users carries ten more booleans: the
  answer grows from about 4 to 28 kB. The role is joined into the same SQL query (about 26 µs more
  for 100 rows on SQLite, measured with better-sqlite3 alone). Each role's chat role and permissions
  are made once per role map and their JSON written into the answer once per role; the rest of each
  user is written by hand (users as \`toChatUser\` built them are frozen, so they hold no other key;
  any other user is serialized whole), and the parts are joined once, so the answer is one flat
  string when it is sent: 100 such users to bytes in about 31 µs, against 14 for the same users
  without roles and 68 for \`JSON.stringify\`. The line "the users service in-process" above
  measures the SQL and the users built, without HTTP; the rest of the difference is sending six
  times the bytes (about 30 µs of the site's CPU per request in a bare Node server). The identity
  rows are paired rounds because a ratio against rounds run minutes earlier moved by ±15 % from run
  to run on this machine; single rounds still range widely (see each line's rounds), so read the
  median with them. The target for \`chatRoles\` is ≥ 0.85: ten named booleans per user is the
  format ImbaChat reads, and about 0.85–0.90 of itself off is its price (decided in issue #22; no
  per-instance role cache).
- **Users by id.** One SQL query (\`id IN (…)\` on the primary key, checked with EXPLAIN; a second
  one reads the files when the avatar is a media field) whatever the number of ids. The rows are
  read with knex directly, not through Strapi's query engine, whose row mapping cost more than the
  SQL. Profiled with 100 ids, knex's \`_query\` was 24 % of the CPU: it prepares the statement again
  on every call. On SQLite the statement is now prepared once per connection (taken from knex's
  pool, so transactions are waited for, and announced on knex's \`query\` event, so Strapi's query
  log and the tests' query counter still see it) and read as arrays into the one user shape the
  builder takes; on PostgreSQL the SQL is compiled once per settings shape. The Basic check hashes
  with one-shot SHA-256 under a per-process random key instead of two HMAC objects a request.
  users-by-id(100) / \`/_health\` 0.38 → 0.50 (site CPU per request 1,083 → 802 µs). The ids reach
  the database as one JSON parameter on SQLite (\`json_each\`) and PostgreSQL (\`= ANY\`). What
  remains per request is mostly Strapi's own: its security middleware alone (helmet's options
  rebuilt with lodash on every request) is 16 % of the route's CPU, and \`/_health\` pays it too.
- **Search.** The plugin keeps its own index (README, "What the plugin adds to your database"): each
  name, username and email lower-cased once, in JavaScript, when it is written, so the database
  compares bytes and no SQL function is called or redefined. \`exact\` and \`prefix\` are one seek
  on (\`folded\`, \`id\`): a prefix is the range from the term to the term with its last character
  raised by one, which reads only the rows it answers. \`contains\` asks SQLite's FTS5 trigram
  index or PostgreSQL's GIN index over the rows' trigrams for up to eight of the term's trigrams,
  and checks each candidate's value in full. PostgreSQL multiplies the trigrams' frequencies as if
  they were independent, so it took a common name fragment (\`tima\`: one user in 40) for a rare one,
  fetched its 25,000 rows to sort them and answered in 110–150 ms (the slowest tenth of terms drawn
  as above, straight SQL on 1,000,000 users). Now a \`contains\` term first reads the first 4,000
  rows in id order (about a millisecond): a common fragment meets the limit there. Only a rarer term
  asks the GIN index, which then has few rows to give (it fetches at most 2,000, unordered; 2,000
  means the fragment is common after all, and the table read on in id order meets the limit soon).
  At 1,000,000 users \`contains\` p50 went from 9.8 to 5.6 ms in the run before this one
  (\`BENCH_SEARCH_SIZES=1000000 node bench/search.js postgres\`). One- and two-character terms read
  the table in id order until the limit is reached (fast when many match) after checking
  \`imbachat_search_short\`, which answers at once for a term nobody has; the slow case left is a
  short term only a few users have, which reads the whole table. A term mixing very common and
  rare trigrams (\`ember10000\` among 100,000 \`member…\` users: \`emb\`, \`mbe\`, \`ber\` in every row) made
  the GIN index read the common trigrams' long lists of rows: 4.3× users-by-id(10). Trigrams in 5 %
  of the rows or more (by PostgreSQL's statistics) are now left out of the lookup when rarer ones
  are left, the whole term being checked after: the query itself went from 3.0 to 0.13 ms on such
  a table (straight SQL), and the benchmark's number-and-\`@example\` terms from 2.33× to 1.16× at
  100,000 users (\`BENCH_SEARCH_SIZES=100000 node bench/search.js postgres\`, before and after).
  MariaDB has no trigram index: it read the table in id order until the limit (16× users-by-id(10)
  at 100,000 users, 42× at 1,000,000). The plugin now keeps a table of its own there,
  \`imbachat_search_gram\`: one row per row id and distinct trigram, key (\`id\`, \`gram\`) so a rebuild
  appends and a user's rows are replaced by key, and an index on (\`gram\`, \`id\`) built once the rows
  are in. A \`contains\` term asks the server's estimate of each of its lookup trigrams' rows
  (\`EXPLAIN\` of one statement: two dives into the index each, no rows read), reads the rarest
  one's rows in id order, keeps those that hold the next rarest that does not overlap it (\`577\` and
  \`772\` mostly hold the same rows) too (looked up in the same index:
  a few pages, where the table's key cost a page per candidate once the table outgrew the 128 MB
  buffer pool, 4.7 against 0.7 ms a term) and whose value contains the term (\`LOCATE\`), until the
  limit: a term few users have reads about as many rows, a common one meets its matches early.
  Three-character terms read their trigram's rows alone. The cost is the table: about 37 rows and
  1.9 kB per user, and a rebuild that writes it (the "index build" column). SQLite's FTS5 reads
  every asked trigram's list too: the number-and-\`@example\` terms take about 20× users-by-id(10) at
  1,000,000 users there (no target; not addressed yet).
`;
  fs.mkdirSync(path.resolve(__dirname, '..', 'docs'), { recursive: true });
  fs.writeFileSync(path.resolve(__dirname, '..', 'docs', 'benchmarks.md'), doc);
  const targets = checks.filter((check) => check[3] !== null);
  const missed = targets.filter((check) => !check[3]).length;
  console.log(`bench: ${targets.length - missed} of ${targets.length} targets met; docs/benchmarks.md written`);
  process.exit(0);
})().catch((error) => {
  console.error(`bench: ${error.stack || error}`);
  process.exit(1);
});
