import type { Core } from '@strapi/strapi';
import { ACTION_DEFINITIONS } from './permissions';
import { getService } from './services/get-service';
import { NOTIFICATION_EVENT, NOTIFICATION_EVENT_KEY } from './services/notification-events';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(ACTION_DEFINITIONS);
  strapi.get('webhookStore').addAllowedEvent(NOTIFICATION_EVENT_KEY, NOTIFICATION_EVENT);
  await getService(strapi, 'throttle').prepare();
  await getService(strapi, 'lastSeen').prepare();
  await getService(strapi, 'status').prepare();

  const settings = getService(strapi, 'settings');
  await settings.checkStoredSecrets();

  // Field names from config/plugins can only be checked once the user model is loaded.
  const locked = await settings.get();
  const lockedKeys = settings.lockedKeys();
  try {
    const fromConfig = <Key extends 'nameField' | 'avatarField' | 'badgeField' | 'lastLoginField' | 'nameTemplate' | 'friendsField'>(key: Key) =>
      lockedKeys.includes(key) ? locked[key] : undefined;
    getService(strapi, 'userFields').assertUsable({
      nameField: fromConfig('nameField'),
      avatarField: fromConfig('avatarField'),
      badgeField: fromConfig('badgeField'),
      lastLoginField: fromConfig('lastLoginField'),
      nameTemplate: fromConfig('nameTemplate'),
      friendsField: fromConfig('friendsField'),
    });
  } catch (error) {
    throw new Error(`[imbachat] config/plugins: imbachat.config.${(error as Error).message}`);
  }

  // After the name field is known: the search index follows it (built or checked in the background).
  await getService(strapi, 'searchIndex').prepare();
  // After the index: the outbox finds addresses through it. Rows a stop or a crash left go first.
  await getService(strapi, 'outbox').prepare();
};
