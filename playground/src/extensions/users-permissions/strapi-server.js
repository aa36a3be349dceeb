// The site's own user profile: a display name and an avatar, which the chat shows.
module.exports = (plugin) => {
  const { attributes } = plugin.contentTypes.user.schema;
  attributes.displayName = { type: 'string', maxLength: 100 };
  attributes.avatar = { type: 'media', multiple: false, allowedTypes: ['images'] };
  return plugin;
};
