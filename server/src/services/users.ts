import type { Core } from '@strapi/strapi';
import type { Settings } from '../../../contract';
import { siteUsers, type SiteUser, type SiteUserColumns } from '../repositories/site-users';
import { getService } from '../utils/get-service';
import { toChatUser, type ChatUser } from '../utils/chat-user';

/** Site users as the chat sees them: by id, and by search. Knows nothing of HTTP. */
const usersService = ({ strapi }: { strapi: Core.Strapi }) => {
  const repository = siteUsers(strapi);
  const settingsOf = (settings?: Settings) => settings ?? getService(strapi, 'settings').get();

  const columnsFor = (settings: Settings): SiteUserColumns => ({
    fields: getService(strapi, 'userFields').plan(settings),
    email: settings.shareEmail,
    documentId: settings.profileUrlTemplate.includes('{documentId}'),
  });

  return {
    /** Users by id, in the order asked, each once; unknown and blocked users are left out. */
    async findByIds(ids: number[], baseUrl: string, given?: Settings): Promise<ChatUser[]> {
      if (ids.length === 0) return [];
      const settings = await settingsOf(given);
      const byId = new Map<number, SiteUser>();
      for (const user of await repository.byIds(ids, columnsFor(settings))) byId.set(user.id, user);
      const context = { settings, baseUrl };
      const chatUsers: ChatUser[] = [];
      for (const id of ids) {
        const user = byId.get(id);
        if (user) chatUsers.push(toChatUser(user, context));
      }
      return chatUsers;
    },

    /**
     * Users whose name or username (and email, only while shared) matches the term per the search
     * mode, ranked by the plugin's index: `exact` and `prefix` alphabetically, `contains` by id.
     */
    async search(term: string, limit: number, baseUrl: string, given?: Settings): Promise<ChatUser[]> {
      if (term === '') return [];
      const settings = await settingsOf(given);
      // Matching an address the chat server is not shown would let it recover addresses a letter at a time.
      const ids = await getService(strapi, 'searchIndex').find(term, settings.searchMode, limit, settings.shareEmail);
      return this.findByIds(ids, baseUrl, settings);
    },
  };
};

export default usersService;
export type UsersService = ReturnType<typeof usersService>;
