// The site's own user profile: a display name and an avatar, which the chat shows; a badge, a plan,
// a level and visit times, which the chat may be told (Settings → ImbaChat: badge and last login fields).
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
  return plugin;
};
