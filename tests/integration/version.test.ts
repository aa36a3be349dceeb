import { startStrapi, type TestApp } from '../helpers/strapi';
import { version } from '../../package.json';

let app: TestApp;
beforeAll(async () => {
  app = await startStrapi();
});
afterAll(async () => {
  await app?.close();
});

describe('GET /api/imbachat/v1', () => {
  it('answers the API version and the plugin version without credentials', async () => {
    const res = await app.http().get('/api/imbachat/v1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: 1, type: 'Strapi plugin', plugin: version });
  });
});
