import type { Core } from '@strapi/strapi';
import { resolvers } from './resolvers';
import { resolversConfig, typeDefs } from './schema';

interface GraphqlExtensionService {
  use(extension: (tools: { strapi: Core.Strapi }) => { typeDefs: string; resolvers: object; resolversConfig: object }): unknown;
}

/**
 * Adds the front-end queries to the site's GraphQL schema where `@strapi/plugin-graphql` (an
 * optional peer) is installed and enabled; otherwise does nothing. Answers whether it did.
 */
export const registerGraphql = (strapi: Core.Strapi): boolean => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return false;
  (graphql.service('extension') as GraphqlExtensionService).use(() => ({ typeDefs, resolvers: resolvers(strapi), resolversConfig }));
  return true;
};
