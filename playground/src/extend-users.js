/**
 * An `extendUsers` hook (README: "Adding to the user objects"): the guide's `profiles` map, each
 * user's profiles keyed by profile id, read for the whole batch at once. The playground's
 * config/plugins uses it when IMBACHAT_PROFILES_HOOK=true.
 */
module.exports = async (users, { strapi }) => {
  const profiles = await strapi.db.query('api::profile.profile').findMany({
    where: { owner: { id: { $in: users.map((user) => user.user_id) } } },
    select: ['id', 'name', 'avatarUrl'],
    populate: { owner: { select: ['id'] } },
  });
  return users.map((user) => {
    const own = profiles.filter((profile) => profile.owner?.id === user.user_id);
    if (own.length === 0) return user;
    const map = {};
    for (const profile of own) {
      map[profile.id] = { user_id: `P${profile.id}-${user.user_id}`, name: profile.name, avatar_url: profile.avatarUrl ?? undefined };
    }
    return { ...user, profiles: map };
  });
};
