import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { startStrapi, type TestApp } from '../helpers/strapi';

// Any https address may come from config/plugins: the site's operator, not an admin, decides.
let app: TestApp;
beforeAll(async () => {
  app = await startStrapi({
    env: { IMBACHAT_WIDGET_ID: 'w-ops', IMBACHAT_WIDGET_SCRIPT_URL: 'https://static.example.org/chat/{widgetId}.js' },
  });
});
afterAll(async () => {
  await app?.close();
});

describe('widgetScriptUrl from config/plugins', () => {
  it('may be any https address, is locked in the admin, and is what the front end gets', async () => {
    const widget = await app.http().get('/api/imbachat/widget');
    expect(widget.body).toEqual({ widget_id: 'w-ops', script_url: 'https://static.example.org/chat/w-ops.js', options: {} });
    const token = await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]));
    const settings = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${token}`);
    expect(settings.body.data.locked).toContain('widgetScriptUrl');
    const change = await app
      .http()
      .put('/imbachat/settings')
      .set('Authorization', `Bearer ${token}`)
      .send({ widgetScriptUrl: 'https://api.imbachat.com/imbachat/v1/{widgetId}/widget' });
    expect(change.status).toBe(400);
  });
});
