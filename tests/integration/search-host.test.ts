import type { Core } from '@strapi/strapi';
import { basic, configure, createSiteUser, startStrapi, type TestApp } from '../helpers/strapi';

// Issue #11, "the host untouched": the search index is the plugin's own table and indexes, named after
// it; the site's SQL functions, triggers and tables are left as Strapi made them.
const LOGIN = 'chat';
const PASSWORD = 'host-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const USER_UID = 'plugin::users-permissions.user';
const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const onSqlite = client === 'sqlite' ? describe : describe.skip;

let app: TestApp;

const rowsOf = (result: any): any[] => (client === 'postgres' ? result.rows : client === 'mysql' ? result[0] : result);
const sql = async (strapi: Core.Strapi, statement: string, bindings: unknown[] = []) => rowsOf(await strapi.db.connection.raw(statement, bindings as never));

const found = async (term: string) => {
  const res = await app.http().get(`/api/imbachat/v1/search?q=${encodeURIComponent(term)}`).set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return (res.body.data as { user_id: number }[]).map((user) => user.user_id);
};

/** The plugin's objects in the database, as `kind name`, and what each is built on. */
const pluginObjects = async (strapi: Core.Strapi): Promise<string[]> => (await pluginObjectsUnsorted(strapi)).sort();
const pluginObjectsUnsorted = async (strapi: Core.Strapi): Promise<string[]> => {
  if (client === 'sqlite') {
    const rows = await sql(strapi, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'imbachat\\_search%' ESCAPE '\\' ORDER BY name");
    return rows
      .filter((row) => !/^imbachat_search_trigrams_/.test(row.name)) // FTS5's own shadow tables
      // SQLite cannot rename an index: after a rebuild (a name field saved) it has the other of its two names.
      .map((row) => ({ ...row, name: row.name === 'imbachat_search_folded_b' ? 'imbachat_search_folded' : row.name }))
      .map((row) => `${row.type} ${row.name} on ${row.tbl_name}${/USING fts5/i.test(row.sql ?? '') ? ' fts5' : ''}`);
  }
  if (client === 'postgres') {
    const rows = await sql(strapi, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'imbachat_search' ORDER BY indexname");
    return rows.map((row) => `index ${row.indexname} ${/USING (\w+)/.exec(row.indexdef)![1]} ${/\((.*)\)/.exec(row.indexdef)![1]}`);
  }
  const rows = await sql(
    strapi,
    "SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'imbachat_search' GROUP BY index_name ORDER BY index_name"
  );
  return rows.map((row) => `index ${row.name} (${row.columns})`);
};

const EXPECTED_OBJECTS: Record<string, string[]> = {
  sqlite: [
    'table imbachat_search on imbachat_search',
    'index imbachat_search_folded on imbachat_search',
    'table imbachat_search_short on imbachat_search_short',
    'table imbachat_search_trigrams on imbachat_search_trigrams fts5',
  ],
  postgres: ['index imbachat_search_folded btree folded, id', 'index imbachat_search_grams gin grams', 'index imbachat_search_pkey btree id'],
  mysql: ['index PRIMARY (id)', 'index imbachat_search_folded (folded,id)'],
};

/** Triggers anywhere in the site's database: the index follows users through Strapi, never through triggers on its tables. */
const triggers = async (strapi: Core.Strapi) => {
  if (client === 'sqlite') return sql(strapi, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
  if (client === 'postgres') return sql(strapi, "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'public'");
  return sql(strapi, 'SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()');
};

const indexRows = async (strapi: Core.Strapi) =>
  (await strapi.db.connection('imbachat_search').select('id', 'folded').orderBy('id')).map((row: { id: number | string; folded: string | Buffer }) => [
    Number(row.id),
    Buffer.isBuffer(row.folded) ? row.folded.toString('utf8') : row.folded,
  ]);

beforeAll(async () => {
  app = await startStrapi();
  await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, nameField: 'displayName' });
});
afterAll(async () => {
  await app?.close();
});

onSqlite('SQLite functions on the host connection', () => {
  /** A fresh database from the same better-sqlite3 that Strapi's connection uses: plain SQLite's answers. */
  const plainSqlite = () => {
    const Database = require(require.resolve('better-sqlite3', { paths: [require.resolve('@strapi/database')] }));
    return new Database(':memory:');
  };

  it('still has SQLite\'s own lower(): ASCII-only, and lower(5) = lower(\'5\') as plain SQLite answers', async () => {
    const plain = plainSqlite();
    try {
      const probes = [
        "SELECT lower('ZOË') AS v",
        "SELECT lower('ERIN Ü') AS v",
        "SELECT upper('zoë') AS v",
        'SELECT lower(5) = lower(\'5\') AS v',
        'SELECT typeof(lower(5)) AS v',
        "SELECT 'Ä' LIKE 'ä' AS v",
        "SELECT 'A' LIKE 'a' AS v",
      ];
      for (const probe of probes) {
        const [host] = await sql(app.strapi, probe);
        expect([probe, host.v]).toEqual([probe, plain.prepare(probe).get().v]);
      }
      const [zoe] = await sql(app.strapi, "SELECT lower('ZOË') AS v");
      expect(zoe.v).toBe('zoË');
    } finally {
      plain.close();
    }
  });

  it('defines no SQL function of its own: the host connection lists the functions plain SQLite does', async () => {
    const plain = plainSqlite();
    try {
      const list = 'SELECT DISTINCT name, narg FROM pragma_function_list ORDER BY name, narg';
      const host = (await sql(app.strapi, list)).map((row) => `${row.name}/${row.narg}`);
      const fresh = plain.prepare(list).all().map((row: { name: string; narg: number }) => `${row.name}/${row.narg}`);
      expect(host).toEqual(fresh);
    } finally {
      plain.close();
    }
  });

  it("leaves Strapi's $eqi filter as plain SQLite answers it (ASCII-only case folding)", async () => {
    const user = await createSiteUser(app.strapi, { username: 'zoë-eqi' });
    const plain = plainSqlite();
    try {
      plain.exec("CREATE TABLE t (username TEXT); INSERT INTO t VALUES ('zoë-eqi')");
      for (const value of ['ZOË-EQI', 'ZOë-EQI', 'zoë-eqi']) {
        const expected = plain.prepare('SELECT count(*) AS n FROM t WHERE lower(username) = lower(?)').get(value).n;
        const matched = await app.strapi.db.query(USER_UID).findMany({ where: { username: { $eqi: value } }, select: ['id'] });
        expect([value, matched.length]).toEqual([value, expected]);
      }
      // Plain SQLite folds ASCII only: the fully upper-cased name is not equal, the plugin's own search still finds it.
      expect(plain.prepare('SELECT count(*) AS n FROM t WHERE lower(username) = lower(?)').get('ZOË-EQI').n).toBe(0);
      expect(await found('ZOË-EQI')).toEqual([user.id]);
    } finally {
      plain.close();
      await app.strapi.db.query(USER_UID).delete({ where: { id: user.id } });
    }
  });
});

describe("the plugin's database objects", () => {
  it('are the table and indexes named after the plugin, and no trigger', async () => {
    expect(await pluginObjects(app.strapi)).toEqual([...EXPECTED_OBJECTS[client]].sort());
    expect(await triggers(app.strapi)).toEqual([]);
  });

  it('compares keys in code-point order on PostgreSQL (collation "C"), bytes on MariaDB', async () => {
    if (client === 'postgres') {
      const [column] = await sql(app.strapi, "SELECT collation_name FROM information_schema.columns WHERE table_name = 'imbachat_search' AND column_name = 'folded'");
      expect(column.collation_name).toBe('C');
    } else if (client === 'mysql') {
      const [column] = await sql(app.strapi, "SELECT data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'imbachat_search' AND column_name = 'folded'");
      expect(String(column.data_type ?? column.DATA_TYPE).toLowerCase()).toBe('varbinary');
    } else {
      const [row] = await sql(app.strapi, "SELECT sql FROM sqlite_master WHERE name = 'imbachat_search'");
      expect(row.sql).not.toMatch(/COLLATE/i);
    }
  });

  it('are prepared idempotently: prepare() twice keeps the objects, the rows and one subscription to user changes', async () => {
    const index = app.strapi.plugin('imbachat').service('searchIndex');
    const before = await createSiteUser(app.strapi, { username: 'twice-before' });
    const rows = await indexRows(app.strapi);
    try {
      await index.prepare();
      await index.prepare();
      expect(await pluginObjects(app.strapi)).toEqual([...EXPECTED_OBJECTS[client]].sort());
      expect(await indexRows(app.strapi)).toEqual(rows);
      const during = await createSiteUser(app.strapi, { username: 'twice-during' });
      expect(await found('twice-')).toEqual([before.id, during.id]);

      // One stop() ends the following: a user made now is not indexed until the next start-up.
      index.stop();
      const after = await createSiteUser(app.strapi, { username: 'twice-after' });
      expect(await found('twice-')).toEqual([before.id, during.id]);
      // The next start-up's check (in the background) finds the user missing from the index.
      await index.prepare();
      await index.idle();
      expect(await found('twice-')).toEqual([before.id, during.id, after.id]);
    } finally {
      index.stop();
      await index.prepare();
      await index.idle();
      await app.strapi.db.query(USER_UID).deleteMany({ where: { username: { $startsWith: 'twice-' } } });
    }
    expect(await found('twice-')).toEqual([]);
  });

  it("survive a restart with Strapi's full schema sync, unchanged, and keep following changes", async () => {
    const kept = await createSiteUser(app.strapi, { username: 'restart-kept', displayName: 'Erin Ü' });
    const rows = await indexRows(app.strapi);
    expect(rows.length).toBeGreaterThan(0);
    // With no stored schema Strapi diffs its whole schema against the live database at the next start.
    await app.strapi.db.connection('strapi_database_schema').delete();
    await app.close({ keepData: true });
    app = await startStrapi({ reuse: app });
    expect(await app.strapi.db.connection('strapi_database_schema').count({ n: '*' })).toEqual([{ n: expect.anything() }]);

    expect(await pluginObjects(app.strapi)).toEqual([...EXPECTED_OBJECTS[client]].sort());
    expect(await indexRows(app.strapi)).toEqual(rows);
    expect(await triggers(app.strapi)).toEqual([]);
    expect(await found('ERIN Ü')).toEqual([kept.id]);
    await app.strapi.db.query(USER_UID).update({ where: { id: kept.id }, data: { displayName: 'Erin Renamed' } });
    expect(await found('ERIN Ü')).toEqual([]);
    expect(await found('erin renamed')).toEqual([kept.id]);
    await app.strapi.db.query(USER_UID).delete({ where: { id: kept.id } });
  });
});
