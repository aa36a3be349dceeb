import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'searchIndex').stop();
  // Sends in progress end before the database closes; rows not begun are freed for the other instances.
  await getService(strapi, 'outbox').stop();
};
