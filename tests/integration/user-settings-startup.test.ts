import { startStrapi } from '../helpers/strapi';

// Settings from config/plugins that name the user model's attributes are checked once the model is loaded.
describe('config/plugins settings checked against the user model at start-up', () => {
  it('stops start-up with a clear error for a friendsField that is no relation to users', async () => {
    await expect(startStrapi({ env: { IMBACHAT_FRIENDS_FIELD: 'username' } })).rejects.toThrow(
      '[imbachat] config/plugins: imbachat.config.friendsField: "username" is not a relation of the user model to users'
    );
  });

  it('stops start-up with a clear error for a name template naming a private attribute', async () => {
    await expect(startStrapi({ env: { IMBACHAT_NAME_TEMPLATE: '{firstName} {password}' } })).rejects.toThrow(
      '[imbachat] config/plugins: imbachat.config.nameTemplate: "{password}" is not a public text or whole-number attribute of the user model'
    );
  });

  it('stops start-up with a clear error for a name template that is no template', async () => {
    await expect(startStrapi({ env: { IMBACHAT_NAME_TEMPLATE: '{first name}' } })).rejects.toThrow(
      /imbachat\.config\.nameTemplate is invalid: nameTemplate has "\{first name\}", which is no attribute name/
    );
  });

  it('starts with a usable name template and friends field, and uses them', async () => {
    const app = await startStrapi({ env: { IMBACHAT_NAME_TEMPLATE: '{lastName}, {firstName}', IMBACHAT_FRIENDS_FIELD: 'friends' } });
    try {
      const settings = await app.strapi.plugin('imbachat').service('settings').get();
      expect(settings.nameTemplate).toBe('{lastName}, {firstName}');
      expect(settings.friendsField).toBe('friends');
    } finally {
      await app.close();
    }
  });
});
