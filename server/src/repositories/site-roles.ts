import type { Core } from '@strapi/strapi';
import type { SiteRole } from '../../../contract';
import { ROLE_UID } from '../constants';
import { perStrapi } from './sql';

/** users-permissions roles, as the Roles section of the settings page lists them. */
export const siteRoles = perStrapi((strapi: Core.Strapi) => ({
  /** Every role in creation order; `public` (visitors not logged in) is never a chat user's role. */
  async list(): Promise<SiteRole[]> {
    const rows = (await strapi.db.query(ROLE_UID).findMany({ select: ['type', 'name', 'description'], orderBy: { id: 'asc' } })) as {
      type: string | null;
      name: string | null;
      description: string | null;
    }[];
    return rows
      .filter((row) => typeof row.type === 'string' && row.type !== '' && row.type !== 'public')
      .map((row) => ({ type: row.type as string, name: row.name ?? row.type ?? '', description: row.description ?? '' }));
  },
}));
