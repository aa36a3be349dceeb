// The site's own friends (config/plugins imbachat.config.friendsOf, on with IMBACHAT_FRIENDS_HOOK):
// the users on the same plan. `objects` answers users as the query engine gives them, `ids` their ids
// as text; `throw` and `slow` (4 s, past the plugin's 3 s) show how the plugin survives a failing hook.
const USER_UID = 'plugin::users-permissions.user';

module.exports = (mode) => async (userId, { strapi }) => {
  if (mode === 'throw') throw new Error('the friends service is down');
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 4000));
  const users = strapi.db.query(USER_UID);
  const me = await users.findOne({ where: { id: userId }, select: ['plan'] });
  if (!me || !me.plan) return [];
  const same = await users.findMany({ where: { plan: me.plan }, select: ['id'], orderBy: { id: 'asc' } });
  return mode === 'ids' ? same.map((user) => String(user.id)) : same;
};
