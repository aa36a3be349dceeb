import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { basic, configure, startStrapi, type TestApp } from '../helpers/strapi';
import { searchIndexOf, seedUsers, usersTable, type CheckResult, type RebuildResult } from '../helpers/search-index';

// Issue #19, point 8: several instances of the site on one database rebuild and check the search
// index one at a time (PostgreSQL's advisory lock, MySQL's GET_LOCK). Several processes on one SQLite
// file is not a setup Strapi supports, so this runs on PostgreSQL and MySQL.
const LOGIN = 'chat';
const PASSWORD = 'two-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const describeShared = client === 'sqlite' ? describe.skip : describe;

interface Answers {
  rebuild: RebuildResult;
  check: CheckResult;
}

let a: TestApp;
let b: ChildProcess;
let answers: ((message: { result?: unknown; error?: string }) => void)[] = [];
const index = () => searchIndexOf(a.strapi);

/** Starts instance B and resolves once its start-up check is done. */
const startB = () =>
  new Promise<void>((resolve, reject) => {
    b = spawn(process.execPath, [path.join(__dirname, '..', 'helpers', 'search-instance.js')], { env: process.env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    b.stdout!.on('data', (chunk) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines.filter((l) => l.startsWith('{'))) {
        const message = JSON.parse(line);
        if (message.ready) resolve();
        else answers.shift()?.(message);
      }
    });
    b.on('exit', (code) => reject(new Error(`instance B exited with ${code}`)));
  });
/** Asks instance B to run `rebuild` or `check` on its search index. */
const askB = <Command extends keyof Answers>(command: Command) =>
  new Promise<Answers[Command]>((resolve, reject) => {
    answers.push((message) => (message.error ? reject(new Error(message.error)) : resolve(message.result as Answers[Command])));
    b.stdin!.write(`${command}\n`);
  });

const found = async (term: string) => {
  const res = await a.http().get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}&limit=100`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};

describeShared('two instances on one database', () => {
  let ids: number[];
  beforeAll(async () => {
    a = await startStrapi();
    await configure(a.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName', searchMode: 'contains' });
    await index().idle();
    ids = await seedUsers(a.strapi, 20_000, 'pair');
    await index().rebuild();
    await startB();
  }, 180_000);
  afterAll(async () => {
    answers = [];
    if (b && b.exitCode === null) {
      b.stdin!.end();
      await new Promise((resolve) => b.once('exit', resolve));
    }
    await a?.close();
  });

  it('two rebuilds asked at once leave one correct index: one instance builds, the other finds it done', async () => {
    const { name, col } = usersTable(a.strapi);
    // Changes only a rebuild (or a check) sees: made with plain SQL.
    await a.strapi.db.connection(name).where(col('id'), ids[1]).update({ [col('displayName')]: 'Paired Rename' });
    await a.strapi.db.connection(name).where(col('id'), ids[2]).delete();

    const [onA, onB] = await Promise.all([index().rebuild(), askB('rebuild')]);
    expect([onA.skipped === true, onB.skipped === true].sort()).toEqual([false, true]);
    const built = onA.skipped ? onB : onA;
    expect(built.users).toBe(20_000 - 1);

    expect(await found('paired rename')).toEqual([ids[1]]);
    expect(await found('pair2')).not.toContain(ids[2]);
    // One index, as the users table says: nothing for either instance to mend, no table left over.
    expect((await index().check()).found).toEqual([]);
    expect((await askB('check')).found).toEqual([]);
    const tables =
      client === 'postgres'
        ? (await a.strapi.db.connection.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'imbachat_search%'")).rows
        : (await a.strapi.db.connection.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'imbachat_search%'"))[0];
    const own = client === 'mysql' ? ['imbachat_search_gram'] : [];
    expect(tables.map((row: { name?: string; NAME?: string }) => row.name ?? row.NAME).sort()).toEqual(['imbachat_search', ...own, 'imbachat_search_short'].sort());
  }, 180_000);

  it('a check asked of both at once is run by one, then the other: both answer, nothing is mended twice', async () => {
    const { name, col } = usersTable(a.strapi);
    await a.strapi.db.connection(name).where(col('id'), ids[3]).update({ [col('displayName')]: 'Checked Once' });
    const [onA, onB] = await Promise.all([index().check(), askB('check')]);
    expect([...onA.found, ...onB.found]).toEqual([ids[3]]);
    expect(await found('checked once')).toEqual([ids[3]]);
  }, 120_000);
});
