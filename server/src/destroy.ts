import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'searchIndex').stop();
  // Emails already accepted (email_to) go out before the database closes.
  await getService(strapi, 'notifications').idle();
};
