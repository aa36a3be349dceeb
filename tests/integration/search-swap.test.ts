import { performance } from 'node:perf_hooks';
import { renameWithin } from '../../server/src/repositories/mysql-rename';
import { searchLock } from '../../server/src/repositories/search-lock';
import { configure, startStrapi, type TestApp } from '../helpers/strapi';
import { searchIndexOf, seedUsers } from '../helpers/search-index';

// Issue #19, point 8: the swap of a rebuilt search index never makes searches or writes queue behind
// it for long: it waits at most 50 ms for its locks, gives way, and tries again. On MariaDB/MySQL a
// RENAME TABLE waiting for a table's metadata lock holds up every query after it: MariaDB's NOWAIT
// fails at once, and on MySQL (no NOWAIT, lock_wait_timeout ≥ 1 s) the rename is killed after its
// wait; both are run here against MariaDB, with no session variable changed on the connection.
// SQLite has one connection: nothing can hold a table while the swap waits there.
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const describeMysql = client === 'mysql' ? describe : describe.skip;
const describeShared = client === 'sqlite' ? describe.skip : describe;
const WAIT_MS = 50;

let app: TestApp;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  app = await startStrapi();
});
afterAll(async () => {
  await app?.close();
});

describeShared('a swap that meets a long transaction on the index', () => {
  it('gives way while the transaction holds it, searches meanwhile do not queue behind it, and swaps in once it ends', async () => {
    await configure(app.strapi, { nameField: 'displayName' });
    const index = searchIndexOf(app.strapi);
    await index.idle();
    await seedUsers(app.strapi, 2000, 'swap');
    await index.rebuild();
    const knex = app.strapi.db.connection;
    const tries: string[] = [];
    const listener = ({ sql }: { sql: string }) => {
      if (/^(LOCK TABLE|RENAME TABLE)/.test(sql)) tries.push(sql);
    };
    knex.on('query', listener);
    // A transaction of the site's that read the index holds it (PostgreSQL: its lock; MySQL: its metadata lock).
    const holder = await knex.client.acquireConnection();
    const onHolder = (sql: string) => knex.raw(sql).connection(holder);
    const searches: number[] = [];
    let rebuilt: Promise<unknown> | undefined;
    try {
      await onHolder(client === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
      await onHolder('SELECT COUNT(*) FROM imbachat_search');
      rebuilt = index.rebuild();
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        const asked = performance.now();
        await app.strapi.plugin('imbachat').service('searchIndex').find('swap1', 'prefix', 10, false);
        searches.push(performance.now() - asked);
        await sleep(2);
      }
    } finally {
      await onHolder('COMMIT');
      await knex.client.releaseConnection(holder);
    }
    await rebuilt;
    knex.removeListener('query', listener);
    const slowest = Math.max(...searches);
    console.log(`search-swap ${client}: ${tries.length} swap attempts while a transaction held the index; ${searches.length} searches meanwhile, the slowest ${slowest.toFixed(0)} ms`);
    expect(tries.length).toBeGreaterThan(2);
    // Every table of the index is swapped at once (MySQL: its trigram table too).
    if (client === 'mysql') expect(tries[tries.length - 1]).toMatch(/imbachat_search_gram_next TO imbachat_search_gram\b/);
    expect(slowest).toBeLessThan(WAIT_MS + 100);
    expect((await index.check()).found).toEqual([]);
  }, 120_000);
});

describeMysql('RENAME TABLE that gives way (MariaDB, MySQL)', () => {
  beforeAll(async () => {
    await app.strapi.db.connection.raw('CREATE TABLE imbachat_swaptest (id INT PRIMARY KEY)');
  });
  afterAll(async () => {
    await app?.strapi.db.connection.raw('DROP TABLE IF EXISTS imbachat_swaptest, imbachat_swaptest_renamed');
  });

  it.each([
    ['MySQL: KILL QUERY after the wait', false, 1317],
    ['MariaDB: NOWAIT', true, 1205],
  ])('%s: the rename fails while a transaction holds the table, a query meanwhile waits at most about the wait, and it succeeds once free', async (_, nowait, errno) => {
    const knex = app.strapi.db.connection;
    // A site transaction that read the table holds its metadata lock until it ends.
    const holder = await knex.client.acquireConnection();
    const onHolder = (sql: string) => knex.raw(sql).connection(holder);
    await onHolder('START TRANSACTION');
    await onHolder('SELECT COUNT(*) FROM imbachat_swaptest');
    let reader = 0;
    let outcome: unknown;
    const settings: unknown[] = [];
    const started = Date.now();
    try {
      const held = await searchLock(app.strapi).hold(
        async (session) => {
          const variables = 'SELECT @@session.lock_wait_timeout AS wait, @@session.max_statement_time AS most';
          settings.push(((await session.raw(variables)) as [unknown[]])[0][0]);
          const rename = renameWithin(knex, session, 'imbachat_swaptest TO imbachat_swaptest_renamed', WAIT_MS, nowait).then(
            () => 'renamed',
            (error: { errno?: number }) => error.errno
          );
          await sleep(5);
          // A search arriving while the rename waits.
          const asked = Date.now();
          await knex.raw('SELECT COUNT(*) FROM imbachat_swaptest');
          reader = Date.now() - asked;
          outcome = await rename;
          settings.push(((await session.raw(variables)) as [unknown[]])[0][0]);
        },
        false,
        () => false
      );
      expect(held.held).toBe(true);
    } finally {
      await onHolder('COMMIT');
      await knex.client.releaseConnection(holder);
    }
    console.log(`search-swap ${nowait ? 'NOWAIT' : 'KILL QUERY'}: gave way after ${Date.now() - started} ms; a query meanwhile waited ${reader} ms`);
    expect(outcome).toBe(errno);
    expect(reader).toBeLessThan(WAIT_MS + 150);
    // The connection is as it was, and usable (no kill left over for its next statement).
    expect(settings[1]).toEqual(settings[0]);
    const again = await searchLock(app.strapi).hold((session) => renameWithin(knex, session, 'imbachat_swaptest TO imbachat_swaptest_renamed', WAIT_MS, nowait), false, () => false);
    expect(again.held).toBe(true);
    await knex.raw('RENAME TABLE imbachat_swaptest_renamed TO imbachat_swaptest');
  });
});
