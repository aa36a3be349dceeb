import { performance } from 'node:perf_hooks';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';
import { searchIndexOf, seedUsers, usersTable } from '../helpers/search-index';

// Issue #19, point 8: a rebuild is built beside the live index and swapped in, so no search and no
// user write waits on it for more than 100 ms, and the writes made while it runs are in the index
// after it. At 100,000 users (IMBACHAT_REBUILD_USERS for another size) on each database.
const LOGIN = 'chat';
const PASSWORD = 'rebuild-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';
const USERS = Number(process.env.IMBACHAT_REBUILD_USERS ?? 100_000);
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
/** What the issue allows a search or write to wait beyond its normal time. */
const ALLOWED_MS = 100;
/**
 * This 2-core machine is shared: now and then its disk or CPU stalls every call at once for a
 * couple of hundred milliseconds, rebuild or not. So a few calls (at most 2, and 0.5% of them) may
 * go past the allowance, none past a second: waiting on a rebuild's locks (seconds before the
 * rebuild was built beside the live index) cannot hide among them.
 */
const STRAY_CALLS = (count: number) => Math.min(2, Math.floor(count * 0.005) + 1);
const STALL_MS = 1000;
/** The loops' pace: a busy site, not one that keeps this process's event loop full by itself. */
const SEARCH_GAP_MS = 5;
const WRITE_GAP_MS = 20;

let app: TestApp;
let seeded: number[];
let firstBuildMs = 0;

const index = () => searchIndexOf(app.strapi);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ids the search route answers for the term (`contains` ranks by id). */
const found = async (term: string) => {
  const res = await app.http().get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}&limit=20`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};

/** The name rows the index holds for these users (its key, as folded). */
const indexedNames = async (ids: number[]) => {
  const rows = (await app.strapi.db.connection('imbachat_search').select('id', 'folded').whereIn('id', ids.map((id) => id * 4))) as { id: number; folded: string | Buffer }[];
  return new Map(rows.map((row) => [Number(row.id) / 4, Buffer.isBuffer(row.folded) ? row.folded.toString('utf8') : row.folded]));
};

interface Figures {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** The slowest calls: when each began (ms from the start of the run) and what the rebuild was doing then. */
  slowest: string[];
}
/** A call: when it began (ms from the start of the run) and how long it took. */
type Call = [at: number, ms: number];
/** What the plugin's rebuild or check was doing, by the statements it sent: [ms from the start, statement]. */
type Phase = [at: number, sql: string];
const figures = (calls: Call[], phases: Phase[]): Figures => {
  const sorted = calls.map(([, ms]) => ms).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  const doing = (when: number) => [...phases].reverse().find(([time]) => time <= when)?.[1] ?? '-';
  const slowest = [...calls]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([when, ms]) => `${ms.toFixed(0)} ms at ${(when / 1000).toFixed(2)} s (${doing(when)})`);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, slowest };
};
const show = (f: Figures) =>
  `${f.count} calls, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms; slowest ${f.slowest.join(', ')}`;
/** The statements that tell a rebuild's or a check's phase. */
const PHASES = /imbachat_search_next|RENAME|VACUUM|LOCK TABLE|CREATE INDEX|DROP TABLE|GROUP BY s\.rid|EXCEPT|for share|lock in share mode/i;

/**
 * Runs `work` while one loop searches (HTTP, as the chat server does) and another writes users
 * through Strapi (a rename by the query engine, a sign-up by users-permissions' `add`), each call
 * timed. Answers the times and what the writes left: each user's last name.
 */
const underLoad = async <T>(tag: string, work: () => Promise<T>) => {
  let running = true;
  const searches: Call[] = [];
  const writes: Call[] = [];
  const phases: Phase[] = [];
  const begun = performance.now();
  const phase = ({ sql }: { sql: string }) => {
    if (!PHASES.test(sql)) return;
    const what = sql.replace(/\s+/g, ' ').slice(0, 60);
    if (phases.length === 0 || phases[phases.length - 1][1] !== what) phases.push([performance.now() - begun, what]);
  };
  app.strapi.db.connection.on('query', phase);
  const names = new Map<number, string>();
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const searcher = (async () => {
    const terms = ['Nakamura', 'ada okafor', 'load12', 'müller', 'eun-ji', 'load9999', 'grace', 'zz-nobody'];
    for (let i = 0; running; i += 1) {
      const started = performance.now();
      await found(terms[i % terms.length]);
      searches.push([started - begun, performance.now() - started]);
      await sleep(SEARCH_GAP_MS);
    }
  })();
  const writer = (async () => {
    for (let i = 0; running; i += 1) {
      const started = performance.now();
      const name = `${tag} writer ${i}`;
      if (i % 2 === 0) {
        // Spread over the whole table (before and after the rebuild's batches reach them); every 97th is blocked.
        const at = (i * 7919) % seeded.length;
        const id = seeded[at % 97 === 0 ? at + 1 : at];
        await app.strapi.db.query(USER_UID).update({ where: { id }, data: { displayName: name } });
        names.set(id, name);
      } else {
        const user = await app.strapi.plugin('users-permissions').service('user').add({
          username: `${tag}-signup-${i}`,
          email: `${tag}-signup-${i}@example.test`,
          displayName: name,
          provider: 'local',
          confirmed: true,
          blocked: false,
          role: role.id,
        });
        names.set(user.id, name);
      }
      writes.push([started - begun, performance.now() - started]);
      await sleep(WRITE_GAP_MS);
    }
  })();
  try {
    const result = await work();
    return { result, ms: performance.now() - begun, searches, writes, phases, names };
  } finally {
    running = false;
    await Promise.all([searcher, writer]);
    app.strapi.db.connection.removeListener('query', phase);
  }
};

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName', searchMode: 'contains' });
  await index().idle();
  const seeding = performance.now();
  seeded = await seedUsers(app.strapi, USERS, 'load');
  const built = await index().rebuild();
  firstBuildMs = built.ms;
  console.log(
    `search-rebuild ${client}: ${USERS.toLocaleString('en')} users seeded in ${((performance.now() - seeding - built.ms) / 1000).toFixed(1)} s; ` +
      `first rebuild ${(built.ms / 1000).toFixed(1)} s (${built.check?.ranges} ranges checked in ${built.check?.ms} ms)`
  );
}, 600_000);
afterAll(async () => {
  await app?.close();
});

describe(`a rebuild at ${USERS.toLocaleString('en')} users, while the site searches and writes users`, () => {
  it('no search and no user write waits more than 100 ms beyond its normal time (but a stray stall of the machine); the writes made meanwhile are in the index', async () => {
    // The normal time: the same loops, before and after the rebuild, for about as long as a rebuild
    // takes (a test file running beside this one loads both alike).
    const normal = Math.min(Math.max(firstBuildMs, 5000), 20_000) / 2;
    const before = await underLoad('before', () => sleep(normal));
    const run = await underLoad('during', () => index().rebuild());
    const after = await underLoad('after', () => sleep(normal));
    const baseline = {
      searches: figures([...before.searches, ...after.searches], []),
      writes: figures([...before.writes, ...after.writes], []),
      names: new Map([...before.names, ...after.names]),
    };
    const during = { ...run, searches: figures(run.searches, run.phases), writes: figures(run.writes, run.phases) };
    console.log(
      [
        `search-rebuild ${client} at ${USERS.toLocaleString('en')} users: rebuild ${(during.ms / 1000).toFixed(1)} s ` +
          `(check after the swap: ${during.result.check?.ranges} ranges, ${during.result.check?.found.length} users mended, ${during.result.check?.ms} ms)`,
        `  searches, normal:        ${show(baseline.searches)}`,
        `  searches, while rebuilt: ${show(during.searches)}`,
        `  writes, normal:          ${show(baseline.writes)}`,
        `  writes, while rebuilt:   ${show(during.writes)}`,
      ].join('\n')
    );
    expect(during.searches.count).toBeGreaterThan(20);
    expect(during.writes.count).toBeGreaterThan(10);
    for (const kind of ['searches', 'writes'] as const) {
      const allowed = baseline[kind].max + ALLOWED_MS;
      const beyond = run[kind].filter(([, ms]) => ms > allowed).map(([, ms]) => Math.round(ms));
      expect({ kind, beyond: beyond.length <= STRAY_CALLS(run[kind].length) ? 'at most a stray call or two' : beyond }).toEqual({
        kind,
        beyond: 'at most a stray call or two',
      });
      expect(during[kind].max).toBeLessThan(STALL_MS);
    }

    // Every write of both runs is in the index, as the user's last name, and found by search.
    const names = new Map([...before.names, ...during.names, ...after.names]);
    const indexed = await indexedNames([...names.keys()]);
    const missed = [...names].filter(([id, name]) => indexed.get(id) !== name.toLowerCase());
    expect(missed).toEqual([]);
    const [lastId, lastName] = [...during.names].filter(([id]) => !after.names.has(id)).pop()!;
    expect(await found(lastName)).toEqual([lastId]);
    // And nothing else differs from the users table.
    expect((await index().check()).found).toEqual([]);
  }, 600_000);

  it('leaves no table of its own behind, and the index where searches expect it', async () => {
    const tables = (await app.strapi.db.connection.raw(
      client === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'imbachat_search%' AND name NOT LIKE 'imbachat_search_trigrams_%'"
        : client === 'postgres'
          ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'imbachat_search%'"
          : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'imbachat_search%'"
    )) as unknown;
    const rows = (client === 'postgres' ? (tables as { rows: { name: string }[] }).rows : client === 'mysql' ? (tables as [{ name: string }[]])[0] : (tables as { name: string }[])) as {
      name?: string;
      NAME?: string;
    }[];
    const names = rows.map((row) => row.name ?? row.NAME).sort();
    const own = { sqlite: ['imbachat_search_trigrams'], mysql: ['imbachat_search_gram'], postgres: [] }[client as 'sqlite' | 'mysql' | 'postgres'];
    expect(names).toEqual(['imbachat_search', ...own, 'imbachat_search_short'].sort());
    const { name, col } = usersTable(app.strapi);
    const [{ n }] = await app.strapi.db.connection(name).where(col('blocked'), false).count({ n: '*' });
    const [{ m }] = await app.strapi.db.connection('imbachat_search').whereRaw('id % 4 = 1').count({ m: '*' });
    expect(Number(m)).toBe(Number(n));
  });
});
