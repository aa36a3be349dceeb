import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'searchIndex').stop();
};
