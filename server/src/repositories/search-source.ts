/**
 * What the search index reads of each user, and how its rows are numbered. The reading itself is
 * site-users.ts's (`searchSource`): no other module reads the users table.
 */
/** A user as the search index reads one: each indexed value as SQL cut it (`source`), and `blocked` as stored. */
export interface SourceUser {
  id: number | string;
  blocked: unknown;
  username: string | Buffer;
  /** The name field's value; with a name template, the template's values and the name field's joined (what the drift check compares). */
  name: string | Buffer;
  email: string | Buffer;
  /** With a name template: the name field's value, the name when the template fills to nothing. */
  fallback?: string | Buffer;
  /** With a name template: its attributes' values (`nameValue0`, …), as stored. */
  [nameValue: `nameValue${number}`]: unknown;
}

/** The fields of an index row id (user id × 4 + field). */
export enum SearchField {
  Name = 0,
  Username = 1,
  Email = 2,
}
export const FIELDS_PER_USER = 4;
