import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { SearchMode, Settings } from '../../../contract';
import { USER_UID } from '../constants';
import { SEARCH_TABLE, SearchField, rowId, searchTable, userOf, type SearchRow } from '../repositories/search-table';
import { isBlocked, siteUsers } from '../repositories/site-users';
import { getService } from '../utils/get-service';
import { fold } from '../utils/search-keys';

/** Bumped when what the index holds changes shape: a site whose index is older rebuilds it at start-up. */
const INDEX_FORMAT = 1;
/** Users read per page while rebuilding. */
const REBUILD_PAGE = 5000;

interface UserMeta {
  tableName: string;
  attributes: Record<string, { columnName?: string }>;
}
interface IndexedUser {
  id: number | string;
  username: unknown;
  email: unknown;
  name: unknown;
  blocked: unknown;
}
interface Signature {
  format: number;
  nameField: string;
}
type LifecycleEvent = {
  action: string;
  params: { where?: unknown; _q?: unknown; filters?: unknown };
  result?: { id?: number; ids?: (number | string)[]; count?: number } | null;
  state: { ids?: number[] };
};

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/**
 * Keeps the plugin's search index in step with the site's users: built at start-up when it is
 * missing or out of date, then kept current by the query engine's lifecycle events for the user
 * model (every path Strapi writes users through: users-permissions, the content manager, the
 * document service, `createMany`/`updateMany`/`deleteMany`), inside the writer's transaction.
 */
const searchIndexService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = searchTable(strapi);
  const meta = () => strapi.db.metadata.get(USER_UID) as unknown as UserMeta;
  const column = (attribute: string) => meta().attributes[attribute]?.columnName ?? attribute;
  const store = () => strapi.store({ type: 'plugin', name: 'imbachat', key: 'search-index' });
  let unsubscribe: (() => void) | undefined;

  const nameFieldOf = (settings: Settings) => getService(strapi, 'userFields').plan(settings).name;

  const rowsOf = (users: IndexedUser[], nameField: string): SearchRow[] =>
    users.flatMap((user) => {
      if (isBlocked(user.blocked)) return [];
      const id = Number(user.id);
      const rows: SearchRow[] = [{ id: rowId(id, SearchField.Username), folded: fold(text(user.username)) }];
      if (nameField !== 'username') rows.push({ id: rowId(id, SearchField.Name), folded: fold(text(user.name)) });
      const email = text(user.email);
      if (email) rows.push({ id: rowId(id, SearchField.Email), folded: fold(email) });
      return rows;
    });

  const readUsers = (db: Knex, nameField: string) =>
    db(meta().tableName).select({
      id: column('id'),
      username: column('username'),
      email: column('email'),
      name: column(nameField),
      blocked: column('blocked'),
    });

  /** Re-reads these users and rewrites their rows: the one way a change reaches the index. */
  const refreshIn = async (db: Knex, userIds: number[], nameField: string) => {
    for (let i = 0; i < userIds.length; i += REBUILD_PAGE) {
      const page = userIds.slice(i, i + REBUILD_PAGE);
      const users = (await readUsers(db, nameField).whereIn(column('id'), page)) as IndexedUser[];
      await table.replace(db, page, rowsOf(users, nameField));
    }
  };

  const currentNameField = async () => nameFieldOf(await getService(strapi, 'settings').get());

  /**
   * Runs inside the writer's transaction when there is one (so the index commits or rolls back with
   * the change), in a savepoint of its own: a failure here is logged and never fails the site's write.
   */
  const refresh = async (userIds: number[]) => {
    const ids = [...new Set(userIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
    if (ids.length === 0) return;
    try {
      const nameField = await currentNameField();
      await strapi.db.transaction(({ trx }) => trx.transaction((savepoint: Knex.Transaction) => refreshIn(savepoint, ids, nameField)));
    } catch (error) {
      strapi.log.error(`[imbachat] Could not update the search index for ${ids.length} user(s): ${(error as Error).message}`);
    }
  };

  /** The ids a bulk update or delete is about to touch, read before it runs. */
  const idsMatching = async (params: LifecycleEvent['params']) => {
    const criteria: Record<string, unknown> = {};
    for (const key of ['where', '_q', 'filters'] as const) if (params[key] !== undefined) criteria[key] = params[key];
    const rows = (await strapi.db.query(USER_UID).findMany({ ...criteria, select: ['id'] })) as { id: number }[];
    return rows.map((row) => row.id);
  };

  /** Users a bulk create made: Strapi reports one id per insert on MariaDB, so the rest are read. */
  const createdIds = async (result: LifecycleEvent['result']) => {
    const ids = (result?.ids ?? []).map(Number).filter(Number.isSafeInteger);
    const count = result?.count ?? ids.length;
    if (ids.length === 0 || ids.length >= count) return ids;
    // Through the query engine, so inside the writer's transaction (if any) the new rows are seen.
    const rows = (await strapi.db.query(USER_UID).findMany({
      select: ['id'],
      where: { id: { $gte: Math.min(...ids) } },
      orderBy: { id: 'asc' },
      limit: count * 2,
    })) as { id: number | string }[];
    return [...ids, ...rows.map((row) => Number(row.id))];
  };

  /** One row changed: its result carries the id. */
  const afterOne = async (event: LifecycleEvent) => {
    if (event.result?.id) await refresh([event.result.id]);
  };
  /** A bulk update or delete: the ids it touches are read before it runs, and refreshed after. */
  const beforeBulk = async (event: LifecycleEvent) => {
    event.state.ids = await idsMatching(event.params);
  };
  const afterBulk = (event: LifecycleEvent) => refresh(event.state.ids ?? []);

  const subscriber = {
    models: [USER_UID],
    afterCreate: afterOne,
    afterUpdate: afterOne,
    afterDelete: afterOne,
    async afterCreateMany(event: LifecycleEvent) {
      await refresh(await createdIds(event.result));
    },
    beforeUpdateMany: beforeBulk,
    afterUpdateMany: afterBulk,
    beforeDeleteMany: beforeBulk,
    afterDeleteMany: afterBulk,
  };

  return {
    /**
     * At start-up: creates the index when missing, rebuilds it when it was built for another name
     * field or format, or when it does not hold as many users as the site has (users written
     * straight into the table, or while the plugin was not installed), then follows every change.
     */
    async prepare() {
      await table.ensure();
      const nameField = await currentNameField();
      const signature = (await store().get({})) as Signature | null;
      const stale =
        signature?.format !== INDEX_FORMAT ||
        signature.nameField !== nameField ||
        (await table.userCount()) !== (await this.searchableUserCount());
      if (stale) await this.rebuild();
      // Prepared again (a second call, or after stop()): one subscription, never two refreshes per write.
      unsubscribe ??= strapi.db.lifecycles.subscribe(subscriber as never) as unknown as () => void;
    },

    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },

    /** Users who are not blocked: what the index should hold. */
    searchableUserCount(): Promise<number> {
      return siteUsers(strapi).notBlockedCount();
    },

    /**
     * Builds the whole index again, in one transaction (searches meanwhile see the old one where the
     * database allows it). For users written with plain SQL, outside Strapi.
     */
    async rebuild(): Promise<{ users: number; ms: number }> {
      const started = Date.now();
      const nameField = await currentNameField();
      let users = 0;
      await table.rebuild(async function* pages(db) {
        let after = 0;
        for (;;) {
          const page = (await readUsers(db, nameField)
            .where(column('id'), '>', after)
            .orderBy(column('id'))
            .limit(REBUILD_PAGE)) as IndexedUser[];
          if (page.length === 0) return;
          users += page.length;
          after = Number(page[page.length - 1].id);
          yield rowsOf(page, nameField);
        }
      });
      await store().set({ value: { format: INDEX_FORMAT, nameField } satisfies Signature });
      const ms = Date.now() - started;
      if (users >= 10_000) strapi.log.info(`[imbachat] Search index built: ${users.toLocaleString('en')} users in ${ms} ms`);
      return { users, ms };
    },

    /** After the name field changed: the index follows it. */
    async nameFieldChanged(before: Settings, after: Settings) {
      if (nameFieldOf(before) !== nameFieldOf(after)) await this.rebuild();
    },

    /** Ids of the users (not blocked) whose email folds to the address's form: an index seek, never a scan. */
    async userIdsByEmail(address: string): Promise<number[]> {
      const folded = fold(address);
      if (folded === '') return [];
      const rows = (await strapi.db
        .connection(SEARCH_TABLE)
        .select('id')
        .where('folded', folded)
        .andWhereRaw(`id % 4 = ${SearchField.Email}`)
        .limit(10)) as { id: number | string }[];
      return rows.map((row) => userOf(Number(row.id)));
    },

    /** Ids of the users matching the term (not folded yet), in the order the mode ranks them, each once. */
    async find(term: string, mode: SearchMode, limit: number, withEmail: boolean): Promise<number[]> {
      const folded = fold(term);
      if (folded === '') return [];
      const fields = withEmail ? 3 : 2;
      const rows = await table.find(folded, mode, limit * fields, withEmail);
      const users: number[] = [];
      const seen = new Set<number>();
      for (const id of rows) {
        const user = userOf(id);
        if (seen.has(user)) continue;
        seen.add(user);
        users.push(user);
        if (users.length === limit) break;
      }
      return users;
    },
  };
};

export default searchIndexService;
export type SearchIndexService = ReturnType<typeof searchIndexService>;
