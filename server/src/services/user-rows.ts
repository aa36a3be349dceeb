import type { Core } from '@strapi/strapi';
import { USER_UID } from '../constants';
import type { UserFieldPlan } from './user-fields';
import type { UserRow } from '../utils/chat-user';

interface AttributeMeta {
  columnName?: string;
}
interface MorphJoinTable {
  name: string;
  joinColumn: { name: string };
  morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
}

/**
 * Users by id straight through knex: the chat server's hottest path. Strapi's query engine maps
 * every row through its model layer, which for 1000 users costs more than the SQL; here one
 * query reads the user columns and, with a media avatar, one more reads the files.
 * Table and column names come from Strapi's own metadata, so custom names are honoured.
 */
const userRowsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const userMeta = () => strapi.db.metadata.get(USER_UID) as unknown as { tableName: string; attributes: Record<string, AttributeMeta> };
  const column = (attribute: string) => userMeta().attributes[attribute]?.columnName ?? attribute;

  /**
   * `id IN (…)` with the ids as one parameter where the database can unpack it: a statement with
   * 1000 placeholders costs more to prepare than to run.
   */
  const idIn = (where: any, ids: number[], idColumn = 'id') => {
    const client = strapi.db.dialect.client;
    if (client === 'sqlite') return where.whereRaw('?? IN (SELECT value FROM json_each(?))', [idColumn, JSON.stringify(ids)]);
    if (client === 'postgres') return where.whereRaw('?? = ANY(?::int[])', [idColumn, ids]);
    return where.whereIn(idColumn, ids);
  };

  const avatars = async (ids: number[], field: string): Promise<Map<number, string>> => {
    const fileMeta = strapi.db.metadata.get('plugin::upload.file') as unknown as {
      tableName: string;
      attributes: { related: { joinTable: MorphJoinTable } };
    };
    const join = fileMeta.attributes.related.joinTable;
    const rows = (await strapi.db
      .connection(`${fileMeta.tableName} as f`)
      .join(`${join.name} as m`, `m.${join.joinColumn.name}`, 'f.id')
      .select({ userId: `m.${join.morphColumn.idColumn.name}`, url: 'f.url' })
      .where(`m.${join.morphColumn.typeColumn.name}`, USER_UID)
      .andWhere('m.field', field)
      .andWhere((where: any) => idIn(where, ids, `m.${join.morphColumn.idColumn.name}`))) as { userId: number; url: string }[];
    return new Map(rows.map((row) => [Number(row.userId), row.url]));
  };

  return {
    /** The rows of these users that are not blocked, in no particular order. */
    async byIds(ids: number[], columns: string[], fields: UserFieldPlan): Promise<UserRow[]> {
      const blocked = column('blocked');
      const rows = (await strapi.db
        .connection(userMeta().tableName)
        .select(Object.fromEntries(columns.map((attribute) => [attribute, column(attribute)])))
        .where((where) => idIn(where, ids))
        .andWhere((where) => where.where(blocked, false).orWhereNull(blocked))) as UserRow[];
      for (const row of rows) row.id = Number(row.id);
      if (fields.avatar?.kind === 'media' && rows.length > 0) {
        const urls = await avatars(rows.map((row) => row.id), fields.avatar.field);
        for (const row of rows) row[fields.avatar.field] = urls.has(row.id) ? { url: urls.get(row.id) } : null;
      }
      return rows;
    },
  };
};

export default userRowsService;
