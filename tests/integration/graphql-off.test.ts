import { registerGraphql } from '../../server/src/graphql';
import { configure, startStrapi, type TestApp } from '../helpers/strapi';

// @strapi/plugin-graphql is an optional peer: a site without it (here, installed but turned off in
// config/plugins) gets the plugin's REST routes and no GraphQL at all.
let app: TestApp;

beforeAll(async () => {
  app = await startStrapi({ env: { PLAYGROUND_GRAPHQL: 'false' } });
});
afterAll(async () => {
  await app?.close();
});

describe('without the GraphQL plugin', () => {
  it('starts, registers nothing, and serves no /graphql', async () => {
    expect(app.strapi.plugin('graphql')).toBeUndefined();
    expect(registerGraphql(app.strapi)).toBe(false);
    const ask = (path: string) => app.http().post(path).send({ query: '{ imbachatWidget { guests } }' });
    const [graphql, nowhere] = [await ask('/graphql'), await ask('/no-such-path')];
    // As any path no route serves (405: Strapi's static files take GET on every path).
    expect(graphql.status).toBeGreaterThanOrEqual(404);
    expect({ status: graphql.status, text: graphql.text }).toEqual({ status: nowhere.status, text: nowhere.text });
  });

  it('still answers the REST routes', async () => {
    await configure(app.strapi, { widgetId: 'w-off' });
    const res = await app.http().get('/api/imbachat/widget');
    expect(res.status).toBe(200);
    expect(res.body.widget_id).toBe('w-off');
  });
});
