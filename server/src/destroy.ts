import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // A rebuild or check under way stops between two batches: no query runs on a closed pool.
  await getService(strapi, 'searchIndex').close();
  // Emails already accepted (email_to) go out before the database closes.
  await getService(strapi, 'notifications').idle();
};
