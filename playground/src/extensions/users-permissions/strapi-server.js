// The site's own user profile: a display name and an avatar, which the chat shows; a badge, a plan,
// a level and visit times, which the chat may be told (Settings → ImbaChat: badge and last login fields);
// a first and last name (a name template, `{firstName} {lastName}`) and friends (the friends field).
module.exports = (plugin) => {
  const { attributes } = plugin.contentTypes.user.schema;
  attributes.displayName = { type: 'string', maxLength: 100 };
  attributes.avatar = { type: 'media', multiple: false, allowedTypes: ['images'] };
  attributes.badge = { type: 'string', maxLength: 40 };
  attributes.plan = { type: 'enumeration', enum: ['free', 'pro'] };
  attributes.level = { type: 'integer' };
  attributes.lastVisit = { type: 'datetime' };
  attributes.memberSince = { type: 'date' };
  attributes.lastActive = { type: 'timestamp' };
  attributes.firstName = { type: 'string', maxLength: 100 };
  attributes.lastName = { type: 'string', maxLength: 100 };
  attributes.friends = { type: 'relation', relation: 'manyToMany', target: 'plugin::users-permissions.user' };
  return plugin;
};
