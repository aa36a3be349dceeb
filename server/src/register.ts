import type { Core } from '@strapi/strapi';
import { guardOwnRoutes } from './middlewares/own-routes';
import { registerGraphql } from './graphql';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.server.use(guardOwnRoutes(strapi));
  registerGraphql(strapi);
};
