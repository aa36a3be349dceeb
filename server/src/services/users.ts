import type { Core } from '@strapi/strapi';
import type { PickerUser, Settings } from '../../../contract';
import type { PluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import { siteUsers, type SiteUserColumns } from '../repositories/site-users';
import type { SiteUser } from '../site-user';
import { getService } from './get-service';
import { chatNameOf, toChatUser, type ChatUser } from '../utils/chat-user';
import { EXTEND_USERS_CONCURRENCY, MAX_FRIENDS, type ExtendRoute } from '../config/hooks';
import { extensionRunner } from './extend-users';
import { friendsHookRunner } from './friends-of';
import { logEvery } from '../utils/log-every';

/** Site users as the chat sees them: by id, and by search. Knows nothing of HTTP. */
const usersService = ({ strapi }: { strapi: Core.Strapi }) => {
  const repository = siteUsers(strapi);
  const report = logEvery((message) => strapi.log.error(message), 60_000);
  const friendsHook = friendsHookRunner((kind, problem) =>
    report(kind, `config/plugins imbachat.config.friendsOf ${problem}; the user's friends were answered [] (each kind of failure is logged at most once a minute)`)
  );
  // Per instance: the cap on hook calls at once counts this instance's calls.
  const extension = extensionRunner((kind, problem) =>
    report(kind, `config/plugins imbachat.config.extendUsers ${problem}; the users were sent without it (each kind of failure is logged at most once a minute)`)
  );

  const columnsFor = (settings: Settings): SiteUserColumns => ({
    fields: getService(strapi, 'userFields').attributesFor(settings),
    email: settings.shareEmail,
    documentId: settings.profileUrlTemplate.includes('{documentId}'),
    role: settings.chatRoles,
    lastSeen: settings.trackLastSeen,
  });

  /** These users as chat users, in the order asked, each once; unknown ids and users `keep` refuses are left out. */
  const chatUsersOf = async (ids: number[], baseUrl: string, settings: Settings, keep: (user: SiteUser) => boolean) => {
    if (ids.length === 0) return [];
    const byId = new Map<number, SiteUser>();
    for (const user of await repository.byIds(ids, columnsFor(settings))) byId.set(user.id, user);
    const context = { settings, baseUrl, nameTemplate: getService(strapi, 'userFields').attributesFor(settings).nameTemplate };
    const chatUsers: ChatUser[] = [];
    for (const id of ids) {
      const user = byId.get(id);
      if (user && keep(user)) chatUsers.push(toChatUser(user, context));
    }
    return chatUsers;
  };

  /** The site's `extendUsers` hook over the batch, once per request (README: "Adding to the user objects"). */
  const extend = async (users: ChatUser[], route: ExtendRoute): Promise<ChatUser[]> => {
    const config = strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;
    if (!config.extendUsers || users.length === 0) return users;
    // An env var gives a string ("8"), which the start-up check lets through.
    const limit = Number(config.extendUsersConcurrency ?? EXTEND_USERS_CONCURRENCY);
    return extension.run(config.extendUsers, users, { strapi, route }, limit);
  };

  return {
    /**
     * Users by id, in the order asked, each once; unknown ids are left out. Blocked users are
     * answered too: the chat draws conversations that already exist (with `chatRoles`, they may do nothing).
     */
    async findByIds(ids: number[], baseUrl: string, settings: Settings): Promise<ChatUser[]> {
      return extend(await chatUsersOf(ids, baseUrl, settings, () => true), 'users');
    },

    /**
     * A user's friends as chat users, exactly as users by id answers them (blocked friends too, the
     * `extendUsers` hook with route `friends`): from the site's `friendsOf` hook when it has one, else
     * from the friends field (one query of its link table); at most MAX_FRIENDS. [] for an unknown
     * user, without either, or when the hook fails.
     */
    async friends(userId: number, baseUrl: string, settings: Settings): Promise<ChatUser[]> {
      const config = strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;
      let ids: number[];
      if (config.friendsOf) {
        // The hook is asked only about users that exist.
        if (!(await repository.accountState(userId))) return [];
        ids = await friendsHook.run(config.friendsOf, userId, { strapi });
      } else {
        const relation = getService(strapi, 'userFields').attributesFor(settings).friends;
        if (!relation) return [];
        ids = await repository.relatedIds(userId, relation, MAX_FRIENDS);
      }
      return extend(await chatUsersOf(ids, baseUrl, settings, () => true), 'friends');
    },

    /**
     * Test API's user picker: the users a term finds as the chat's search finds them (the same
     * index, mode and fields), or the first users by id for an empty term, each with the name the
     * chat shows. Blocked users are left out, as the search leaves them out.
     */
    async pick(term: string, limit: number): Promise<PickerUser[]> {
      const settings = await getService(strapi, 'settings').get();
      const names = getService(strapi, 'userFields').attributesFor(settings);
      let users: SiteUser[];
      if (term === '') {
        users = await repository.pickable(names, { first: limit });
      } else {
        const ids = await getService(strapi, 'searchIndex').find(term, settings.searchMode, limit, settings.shareEmail);
        const byId = new Map((await repository.pickable(names, { ids })).map((user) => [user.id, user]));
        users = ids.map((id) => byId.get(id)).filter((user): user is SiteUser => user !== undefined);
      }
      return users.map((user) => ({ id: user.id, username: user.username, name: chatNameOf(user, names.nameTemplate) }));
    },

    /**
     * Users whose name or username (and email, only while shared) matches the term per the search
     * mode, ranked by the plugin's index: `exact` and `prefix` alphabetically, `contains` by id.
     * Blocked users are never found.
     */
    async search(term: string, limit: number, baseUrl: string, settings: Settings): Promise<ChatUser[]> {
      if (term === '') return [];
      // Matching an address the chat server is not shown would let it recover addresses a letter at a time.
      const ids = await getService(strapi, 'searchIndex').find(term, settings.searchMode, limit, settings.shareEmail);
      return extend(await chatUsersOf(ids, baseUrl, settings, (user) => !user.blocked), 'search');
    },
  };
};

export default usersService;
