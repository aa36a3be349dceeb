import type { Core } from '@strapi/strapi';
import { getService } from './services/get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // A rebuild or check under way stops between two batches: no query runs on a closed pool.
  await getService(strapi, 'searchIndex').close();
  // Sends in progress end before the database closes; rows not begun are freed for the other instances.
  await getService(strapi, 'outbox').stop();
  // The chat server's calls noted since the last write are written while the database is open.
  await getService(strapi, 'status').stop();
};
