import { CHAT_PERMISSIONS, chatIdentityOf, type RoleMap, type RoleRule, type SiteRole } from '../../../contract';

/** What a role is in the chat: its chat role and all ten permissions. */
export type ChatIdentity = ReturnType<typeof chatIdentityOf>;

export const hasRule = (map: RoleMap, type: string) => Object.prototype.hasOwnProperty.call(map, type);

const sameIdentity = (a: ChatIdentity, b: ChatIdentity) =>
  a.chat_role === b.chat_role && CHAT_PERMISSIONS.every((name) => a.permissions[name] === b.permissions[name]);

// Built from entries, so a role type such as "__proto__" stays an ordinary key.
const mapOf = (entries: [string, RoleRule][]): RoleMap => Object.fromEntries(entries) as RoleMap;
const entriesWithout = (map: RoleMap, type: string) => Object.entries(map).filter(([key]) => key !== type);

/**
 * The map with one role set to `identity`, written in full. When that is what the saved map
 * already says for the role, the saved entry (or its absence) comes back: an edit undone is no change.
 */
export const withIdentity = (map: RoleMap, saved: RoleMap, type: string, identity: ChatIdentity): RoleMap => {
  const others = entriesWithout(map, type);
  if (sameIdentity(identity, chatIdentityOf(saved, type))) {
    return hasRule(saved, type) ? mapOf([...others, [type, saved[type]]]) : mapOf(others);
  }
  return mapOf([...others, [type, { chat_role: identity.chat_role, permissions: { ...identity.permissions } }]]);
};

export const withoutRole = (map: RoleMap, type: string): RoleMap => mapOf(entriesWithout(map, type));

export const withRule = (map: RoleMap, type: string, rule: RoleRule): RoleMap => mapOf([...entriesWithout(map, type), [type, rule]]);

/**
 * Role types the map names that users-permissions no longer has (a role deleted, or its type
 * renamed), from the saved map and the one being edited, so one marked for removal stays listed.
 */
export const missingRoleTypes = (map: RoleMap, saved: RoleMap, roles: readonly SiteRole[]): string[] => {
  const known = new Set(roles.map((role) => role.type));
  return [...new Set([...Object.keys(saved), ...Object.keys(map)])].filter((type) => !known.has(type)).sort();
};
