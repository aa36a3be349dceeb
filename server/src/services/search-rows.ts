import type { Knex } from 'knex';
import type { NameSource } from '../site-user';
import type { SourceUser } from '../repositories/search-source';
import type { SearchSource } from '../repositories/site-users';
import { SearchField, rowId, type SearchRow, type SearchTable } from '../repositories/search-table';
import { isBlocked } from '../repositories/site-users';
import { fillName } from '../utils/chat-user';
import { fold } from '../utils/search-keys';

/** Users re-read per statement when their rows are rewritten. */
const READ_PAGE = 5000;

const text = (value: string | Buffer | null | undefined) => (Buffer.isBuffer(value) ? value.toString('utf8') : (value ?? ''));

/**
 * The index rows of these users: username always, the name (the template filled, else the name
 * field's value) when there is a template or the field is not the username, the email when there is one; none for a blocked user. Exactly the rows the drift
 * check's SQL expects (searchSource.rangeRows).
 */
export const indexRows = (users: SourceUser[], names: NameSource): SearchRow[] =>
  users.flatMap((user) => {
    if (isBlocked(user.blocked)) return [];
    const id = Number(user.id);
    const rows: SearchRow[] = [{ id: rowId(id, SearchField.Username), folded: fold(text(user.username)), source: user.username }];
    const template = names.nameTemplate;
    if (template) {
      // The name as users by id makes it (the template, else the name field), and the values it was made from as source.
      const values = template.attributes.map((_, i) => user[`nameValue${i}`]);
      rows.push({ id: rowId(id, SearchField.Name), folded: fold(fillName(template, values) || text(user.fallback).trim()), source: user.name });
    } else if (names.name !== 'username') {
      rows.push({ id: rowId(id, SearchField.Name), folded: fold(text(user.name)), source: user.name });
    }
    const email = text(user.email);
    if (email) rows.push({ id: rowId(id, SearchField.Email), folded: fold(email), source: user.email });
    return rows;
  });

/**
 * How a rewrite reads the users: as they are (a writer's own refresh, SQLite), or FOR SHARE (the
 * drift check's repair), so that a writer's own refresh is never overwritten with the values from
 * before its write; `share-nowait` fails at once when a writer holds one of them.
 */
export type UserLock = 'none' | 'share' | 'share-nowait';

/** Re-reads these users and rewrites their rows: the one way a change reaches the live index. */
export const rewriteUsers = async (
  { source, table }: { source: SearchSource; table: SearchTable },
  db: Knex,
  userIds: number[],
  names: NameSource,
  lock: UserLock
) => {
  for (let i = 0; i < userIds.length; i += READ_PAGE) {
    const page = userIds.slice(i, i + READ_PAGE);
    const query = source.read(db, names).whereIn(source.idColumn(), page);
    if (lock !== 'none') query.forShare();
    if (lock === 'share-nowait') query.noWait();
    const users = (await query) as SourceUser[];
    await table.replace(db, page, indexRows(users, names));
  }
};
