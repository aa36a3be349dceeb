import crypto from 'node:crypto';
import { basic, configure, createSiteUser, startStrapi, type TestApp } from '../helpers/strapi';
import { searchIndexOf, seedUsers, usersTable, type CheckResult } from '../helpers/search-index';

// Issue #19, point 8: drift between the users table and the search index (changes made with plain
// SQL, around Strapi) is found by a checksum computed in SQL, at start-up and every 10 minutes, and
// repaired user by user; a scrubbed address is gone from the index.
const LOGIN = 'chat';
const PASSWORD = 'drift-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';
const client = process.env.DATABASE_CLIENT ?? 'sqlite';

let app: TestApp;
const index = () => searchIndexOf(app.strapi);

/** Ids the search route answers for the term (`contains` ranks by id). */
const found = async (term: string) => {
  const res = await app.http().get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}&limit=100`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};
/** A change with plain SQL, as an import script or a GDPR scrub would make it. */
const plainUpdate = (id: number, values: Record<string, unknown>) => {
  const { name, col } = usersTable(app.strapi);
  return app.strapi.db.connection(name)
    .where(col('id'), id)
    .update(Object.fromEntries(Object.entries(values).map(([key, value]) => [col(key), value])));
};
/** The index's rows, as [id, folded] sorted by id. */
const indexRows = async () =>
  ((await app.strapi.db.connection('imbachat_search').select('id', 'folded').orderBy('id')) as { id: number; folded: string | Buffer }[]).map(
    (row) => [Number(row.id), Buffer.isBuffer(row.folded) ? row.folded.toString('utf8') : row.folded] as const
  );

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName', searchMode: 'contains', shareEmail: true });
  await index().idle();
});
afterAll(async () => {
  await app?.close();
});

describe('check(): changes made with plain SQL are found and mended', () => {
  it('a rename, an email change, scrubbed addresses, a deletion, a block, an unblock and a new user', async () => {
    const make = (username: string, displayName: string, blocked = false) =>
      createSiteUser(app.strapi, { username, email: `${username}@private.test`, displayName, blocked });
    const renamed = await make('drift-renamed', 'Drift Before');
    const moved = await make('drift-moved', 'Drift Moved');
    const placeholder = await make('drift-scrubbed', 'Drift Scrubbed');
    const emptied = await make('drift-emptied', 'Drift Emptied');
    const deleted = await make('drift-deleted', 'Drift Deleted');
    const blocked = await make('drift-blocked', 'Drift Blocked');
    const unblocked = await make('drift-unblocked', 'Drift Unblocked', true);
    const { name, col } = usersTable(app.strapi);
    const now = new Date();
    await app.strapi.db.connection(name).insert({
      [col('documentId')]: crypto.randomBytes(12).toString('hex'),
      [col('username')]: 'drift-inserted',
      [col('email')]: 'drift-inserted@private.test',
      [col('displayName')]: 'Drift Inserted',
      [col('provider')]: 'local',
      [col('confirmed')]: true,
      [col('blocked')]: false,
      [col('createdAt')]: now,
      [col('updatedAt')]: now,
    });
    const [{ id: inserted }] = (await app.strapi.db.connection(name).select({ id: col('id') }).where(col('username'), 'drift-inserted')) as { id: number }[];

    await plainUpdate(renamed.id, { displayName: 'Drift Ørsted', username: 'drift-renamed-after' });
    await plainUpdate(moved.id, { email: 'drift-moved-new@private.test' });
    await plainUpdate(placeholder.id, { email: 'scrubbed@invalid.test' });
    await plainUpdate(emptied.id, { email: null });
    await app.strapi.db.connection(name).where(col('id'), deleted.id).delete();
    await plainUpdate(blocked.id, { blocked: true });
    await plainUpdate(unblocked.id, { blocked: false });
    // The index does not know yet.
    expect(await found('drift before')).toEqual([renamed.id]);
    expect(await found('drift-scrubbed@private')).toEqual([placeholder.id]);

    const result = await index().check();
    expect(result.found).toEqual([renamed.id, moved.id, placeholder.id, emptied.id, deleted.id, blocked.id, unblocked.id, Number(inserted)].sort((a, b) => a - b));

    expect(await found('drift before')).toEqual([]);
    expect(await found('DRIFT ØRSTED')).toEqual([renamed.id]);
    expect(await found('drift-renamed-after')).toEqual([renamed.id]);
    expect(await found('drift-moved@private')).toEqual([]);
    expect(await found('drift-moved-new@')).toEqual([moved.id]);
    // A scrubbed address is searchable no more (shareEmail is on), nor found by the exact lookup.
    expect(await found('drift-scrubbed@private')).toEqual([]);
    expect(await found('drift-emptied@private')).toEqual([]);
    expect(await index().userIdsByEmail('DRIFT-SCRUBBED@private.test')).toEqual([]);
    expect(await index().userIdsByEmail('Scrubbed@Invalid.test')).toEqual([placeholder.id]);
    expect(await found('drift deleted')).toEqual([]);
    expect(await found('drift blocked')).toEqual([]);
    expect(await found('drift unblocked')).toEqual([unblocked.id]);
    expect(await found('drift inserted')).toEqual([Number(inserted)]);
    // Mended: nothing differs any more.
    expect((await index().check()).found).toEqual([]);
    await app.strapi.db.query(USER_UID).deleteMany({ where: { username: { $startsWith: 'drift-' } } });
  });

  it('compares bytes: a change of case or accent only is a change', async () => {
    const user = await createSiteUser(app.strapi, { username: 'case-only', email: 'case-only@private.test', displayName: 'Élodie Case' });
    await plainUpdate(user.id, { displayName: 'elodie case' });
    expect((await index().check()).found).toEqual([user.id]);
    expect(await found('élodie')).toEqual([]);
    expect(await found('elodie case')).toEqual([user.id]);
    await plainUpdate(user.id, { username: 'CASE-ONLY' });
    expect((await index().check()).found).toEqual([user.id]);
    await app.strapi.db.query(USER_UID).delete({ where: { id: user.id } });
  });

  it("a rename of one user among 12,000 rewrites that user's rows only", async () => {
    const ids = await seedUsers(app.strapi, 12_000, 'many');
    await index().rebuild();
    // Seeded user 5431 (every 97th is blocked, 5432 among them).
    const target = ids[5431];
    await plainUpdate(target, { displayName: 'Renamed Among Many' });
    const before = await indexRows();
    const statements: string[] = [];
    const listener = ({ sql }: { sql: string }) => statements.push(sql);
    app.strapi.db.connection.on('query', listener);
    let result: CheckResult;
    try {
      result = await index().check();
    } finally {
      app.strapi.db.connection.removeListener('query', listener);
    }
    expect(result.found).toEqual([target]);
    const writes = statements.filter((sql) => /^\s*(insert|delete|update)\b/i.test(sql) && /imbachat_search/.test(sql));
    console.log(`search-drift ${client}: a one-user rename among 12,000: ${statements.length} statements, ${result.ranges} ranges, ${writes.length} writes to the index, ${result.ms} ms`);
    // Its rows deleted and written again (SQLite: its FTS5 rows too; MySQL: its trigram rows), its short grams added: nothing else.
    expect(writes.length).toBeLessThanOrEqual(client === 'postgres' ? 3 : 5);
    const after = await indexRows();
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
    expect(after.length).toBe(before.length);
    expect(changed).toEqual([[target * 4, 'renamed among many']]);
    expect(await found('renamed among many')).toEqual([target]);
    if (client === 'mysql') {
      // The repair reached the trigram table: the name row's trigrams are the new name's, and only its.
      const [grams] = (await app.strapi.db.connection.raw('SELECT gram FROM imbachat_search_gram WHERE id = ? ORDER BY gram', [target * 4])) as [{ gram: Buffer }[]];
      expect(grams.map((row) => row.gram.toString('utf8'))).toEqual([...new Set(Array.from({ length: 16 }, (_, i) => 'renamed among many'.slice(i, i + 3)))].sort());
      expect(await found('among many')).toEqual([target]);
    }
    const { name, col } = usersTable(app.strapi);
    await app.strapi.db.connection(name).where(col('username'), 'like', 'many%').delete();
    await index().check();
  }, 180_000);

  it('userIdsByEmail seeks the (folded, id) index: no scan', async () => {
    const user = await createSiteUser(app.strapi, { username: 'seek-mail', email: 'Seek.Mail@Private.test' });
    const seen: { sql: string; bindings: unknown[] }[] = [];
    const listener = (query: { sql: string; bindings?: unknown[] }) => {
      if (/imbachat_search/.test(query.sql)) seen.push({ sql: query.sql, bindings: query.bindings ?? [] });
    };
    app.strapi.db.connection.on('query', listener);
    try {
      expect(await index().userIdsByEmail('seek.mail@private.TEST')).toEqual([user.id]);
    } finally {
      app.strapi.db.connection.removeListener('query', listener);
    }
    expect(seen).toHaveLength(1);
    const sql = seen[0].sql.replace(/\$\d+/g, '?');
    const knex = app.strapi.db.connection;
    let plan: string;
    if (client === 'sqlite') {
      plan = ((await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, seen[0].bindings as never)) as { detail: string }[]).map((row) => row.detail).join('\n');
      expect(plan).toMatch(/SEARCH imbachat_search USING (COVERING )?INDEX imbachat_search_folded(_b)? \(folded=/);
    } else if (client === 'postgres') {
      plan = await knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        const result = await trx.raw(`EXPLAIN ${sql}`, seen[0].bindings as never);
        return result.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/Index (Only )?Scan using imbachat_search_folded on imbachat_search|Bitmap Index Scan on imbachat_search_folded/);
    } else {
      const [rows] = await knex.raw(`EXPLAIN ${sql}`, seen[0].bindings as never);
      plan = (rows as { key: string | null }[]).map((row) => String(row.key)).join('\n');
      expect(plan).toMatch(/imbachat_search_folded/);
    }
    await app.strapi.db.query(USER_UID).delete({ where: { id: user.id } });
  });
});

describe('start-up', () => {
  it('a restart finds a change made with plain SQL (the start-up check)', async () => {
    const user = await createSiteUser(app.strapi, { username: 'restart-drift', displayName: 'Before Restart' });
    await plainUpdate(user.id, { displayName: 'After Restart' });
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app });
    await index().idle();
    expect(await found('before restart')).toEqual([]);
    expect(await found('after restart')).toEqual([user.id]);
    await app.strapi.db.query(USER_UID).delete({ where: { id: user.id } });
  });
});

describe('an index of the format before this one (no `source`), as an upgrade finds it', () => {
  it('is rebuilt beside itself in the background after start-up; searches answer from it meanwhile', async () => {
    const user = await createSiteUser(app.strapi, { username: 'upgrade-kept', displayName: 'Kept Through Upgrade' });
    const store = app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'search-index' });
    const signature = (await store.get({})) as Record<string, unknown>;
    await app.strapi.db.connection.raw('ALTER TABLE imbachat_search DROP COLUMN source');
    // MySQL: nor its trigram table (start-up makes it empty, and searches read the table until the rebuild).
    if (client === 'mysql') await app.strapi.db.connection.raw('DROP TABLE imbachat_search_gram');
    await store.set({ value: { ...signature, format: 1 } });
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app });
    // Start-up does not wait for the rebuild: the old index answers until the new one is swapped in.
    expect(await found('kept through upgrade')).toEqual([user.id]);
    await index().idle();
    expect(((await app.strapi.store({ type: 'plugin', name: 'imbachat', key: 'search-index' }).get({})) as { format: number }).format).toBeGreaterThan(1);
    expect(await app.strapi.db.connection.schema.hasColumn('imbachat_search', 'source')).toBe(true);
    if (client === 'mysql') expect(Number((await app.strapi.db.connection('imbachat_search_gram').count({ n: '*' }))[0].n)).toBeGreaterThan(0);
    expect(await found('kept through upgrade')).toEqual([user.id]);
    expect((await index().check()).found).toEqual([]);
    await app.strapi.db.query(USER_UID).delete({ where: { id: user.id } });
  });
});

describe('a rebuild while users sign up', () => {
  it('a user created while a rebuild runs is in the index once it is done (the SQLite race)', async () => {
    const ids = await seedUsers(app.strapi, 20_000, 'race');
    const created: number[] = [];
    let done = false;
    const rebuilt = index().rebuild();
    rebuilt.then(
      () => (done = true),
      () => (done = true)
    );
    for (let i = 0; !done; i += 1) {
      const user = (await app.strapi.db.query(USER_UID).create({
        data: { username: `race-new-${i}`, email: `race-new-${i}@example.test`, displayName: `Race New ${i}`, provider: 'local', confirmed: true, blocked: false },
      })) as { id: number };
      created.push(user.id);
      // A busy site, not one whose sign-ups keep the only connection every moment.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await rebuilt;
    expect(created.length).toBeGreaterThan(3);
    const indexed = new Set(
      ((await app.strapi.db.connection('imbachat_search').select('id').whereIn('id', created.map((id) => id * 4 + 1))) as { id: number }[]).map((row) =>
        Number(row.id)
      )
    );
    expect(created.filter((id) => !indexed.has(id * 4 + 1))).toEqual([]);
    expect(await found(`race new ${created.length - 1}`)).toEqual([created[created.length - 1]]);
    const { name, col } = usersTable(app.strapi);
    await app.strapi.db.connection(name).whereIn(col('id'), [...ids, ...created]).delete();
    await index().check();
  }, 180_000);
});
