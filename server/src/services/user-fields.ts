import type { Core } from '@strapi/strapi';
import { USER_UID } from '../constants';
import { siteRoles } from '../repositories/site-roles';
import { logEvery } from '../utils/log-every';
import { fieldsValidationError, type FieldProblem } from '../validation/field-errors';
import { parseNameTemplate, type Settings, type SettingsUpdate } from '../../../contract';
import type { NameSource, NameTemplate, UserAttributes } from '../site-user';

type Attribute = { type: string; private?: boolean; multiple?: boolean; relation?: string; target?: string; visible?: boolean; unstable_virtual?: boolean };

/** Never shown to the chat server, whatever the schema says about them. */
const PRIVATE_FIELDS = new Set(['password', 'resetPasswordToken', 'confirmationToken', 'provider', 'email']);
const NAME_TYPES = new Set(['string', 'text', 'uid', 'enumeration']);
const AVATAR_URL_TYPES = new Set(['string', 'text']);
const BADGE_TYPES = new Set(['string', 'text', 'uid', 'enumeration', 'integer', 'biginteger', 'decimal', 'float']);
const LAST_LOGIN_TYPES = new Set(['date', 'datetime', 'timestamp']);
/** What a name template may name: values that read as text. */
const TEMPLATE_TYPES = new Set(['string', 'text', 'email', 'uid', 'enumeration', 'integer', 'biginteger']);
/** Relations a friends field may be: to one or many users, never polymorphic. */
const FRIEND_RELATIONS = new Set(['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany']);
/** Strapi's own timestamps that never say when someone was last around. */
const NOT_LOGIN_TIMES = new Set(['createdAt', 'publishedAt']);

/** Which settings attributesFor reads. */
export type FieldSettings = Pick<Settings, 'nameField' | 'avatarField' | 'badgeField' | 'lastLoginField' | 'nameTemplate' | 'friendsField'>;

export interface UserFieldChoice {
  name: string;
  type: string;
}

/**
 * Which attributes of the users-permissions user may serve as a chat name or avatar.
 * The schema is the site's own (it may add `displayName` or `avatar`), so this is read from the model.
 */
const userFieldsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const attributes = () => strapi.getModel(USER_UID).attributes as Record<string, Attribute>;
  const isPublic = (name: string, attribute: Attribute) => !PRIVATE_FIELDS.has(name) && attribute.private !== true;

  const isChoice = (types: Set<string>, name: string) => {
    const attribute = attributes()[name];
    if (types === LAST_LOGIN_TYPES && NOT_LOGIN_TIMES.has(name)) return false;
    return attribute !== undefined && isPublic(name, attribute) && types.has(attribute.type);
  };
  const choicesOf = (types: Set<string>): UserFieldChoice[] =>
    Object.entries(attributes())
      .filter(([name]) => isChoice(types, name))
      .map(([name, a]) => ({ name, type: a.type }));
  const nameChoices = () => choicesOf(NAME_TYPES);
  const isFriendsRelation = (name: string) => {
    const attribute = attributes()[name];
    // Strapi's own hidden relations (i18n's `localizations`) are no friends.
    if (!attribute || attribute.visible === false || attribute.unstable_virtual) return false;
    return attribute.type === 'relation' && attribute.target === USER_UID && FRIEND_RELATIONS.has(attribute.relation ?? '');
  };
  const friendsChoices = (): UserFieldChoice[] =>
    Object.entries(attributes())
      .filter(([name]) => isFriendsRelation(name))
      .map(([name, a]) => ({ name, type: a.relation ?? a.type }));
  /** The template's attributes that are no public text or whole-number attribute of the model. */
  const unusableInTemplate = (names: string[]) => names.filter((name) => !isChoice(TEMPLATE_TYPES, name));

  const avatarKind = (name: string): 'media' | 'url' | null => {
    const attribute = attributes()[name];
    if (!attribute || !isPublic(name, attribute)) return null;
    if (attribute.type === 'media' && attribute.multiple !== true) return 'media';
    return AVATAR_URL_TYPES.has(attribute.type) ? 'url' : null;
  };

  const avatarChoices = (): UserFieldChoice[] =>
    Object.entries(attributes())
      .filter(([name]) => avatarKind(name) !== null)
      .map(([name, a]) => ({ name, type: a.type }));

  // A setting that names an attribute the model no longer has: said once a minute per setting.
  const warn = logEvery((message) => strapi.log.warn(message), 60_000);
  const friendsOf = (field: string) => {
    if (!field) return null;
    if (isFriendsRelation(field)) return field;
    warn('friendsField', `friendsField "${field}" is no longer a relation of the user model to users; friends are answered []`);
    return null;
  };
  // Settings objects are frozen and replaced on change, so what they resolve to can be kept per object.
  const resolvedBySettings = new WeakMap<object, UserAttributes>();

  return {
    /** users-permissions roles as the Roles section lists them (the public role left out). */
    roles: () => siteRoles(strapi).list(),

    choices() {
      return {
        nameField: nameChoices(),
        avatarField: avatarChoices(),
        badgeField: choicesOf(BADGE_TYPES),
        lastLoginField: choicesOf(LAST_LOGIN_TYPES),
        nameTemplate: choicesOf(TEMPLATE_TYPES),
        friendsField: friendsChoices(),
      };
    },

    /** Throws a ValidationError when a field setting names no usable attribute of the user model. */
    assertUsable(update: Pick<SettingsUpdate, keyof FieldSettings>) {
      const problems: FieldProblem[] = [];
      const { nameField, avatarField, badgeField, lastLoginField, nameTemplate, friendsField } = update;
      if (nameField && !nameChoices().some((choice) => choice.name === nameField)) {
        problems.push({ key: 'nameField', message: `nameField: "${nameField}" is not a public text attribute of the user model` });
      }
      if (avatarField && avatarKind(avatarField) === null) {
        problems.push({ key: 'avatarField', message: `avatarField: "${avatarField}" is not a single media or URL text attribute of the user model` });
      }
      if (badgeField && !isChoice(BADGE_TYPES, badgeField)) {
        problems.push({ key: 'badgeField', message: `badgeField: "${badgeField}" is not a public text, number or enumeration attribute of the user model` });
      }
      if (lastLoginField && !isChoice(LAST_LOGIN_TYPES, lastLoginField)) {
        problems.push({ key: 'lastLoginField', message: `lastLoginField: "${lastLoginField}" is not a public date, datetime or timestamp attribute of the user model` });
      }
      if (nameTemplate) {
        const parsed = parseNameTemplate(nameTemplate);
        // The syntax was checked at the edge; only what the model holds is checked here.
        for (const name of 'error' in parsed ? [] : unusableInTemplate(parsed.attributes)) {
          problems.push({ key: 'nameTemplate', message: `nameTemplate: "{${name}}" is not a public text or whole-number attribute of the user model` });
        }
      }
      if (friendsField && !isFriendsRelation(friendsField)) {
        problems.push({ key: 'friendsField', message: `friendsField: "${friendsField}" is not a relation of the user model to users` });
      }
      if (problems.length > 0) {
        throw fieldsValidationError(problems, problems.map((p) => p.message).join('; '));
      }
    },

    /** Resolves the settings to attributes, falling back (with one warning) when the schema changed. */
    attributesFor(settings: FieldSettings): UserAttributes {
      let attributes = resolvedBySettings.get(settings);
      if (!attributes) {
        attributes = this.resolve(settings);
        resolvedBySettings.set(settings, attributes);
      }
      return attributes;
    },

    resolve(settings: FieldSettings): UserAttributes {
      let name = settings.nameField;
      if (name !== 'username' && !nameChoices().some((choice) => choice.name === name)) {
        warn('nameField', `nameField "${name}" is no longer a public text attribute of the user model; using username`);
        name = 'username';
      }
      let avatar: UserAttributes['avatar'] = null;
      if (settings.avatarField) {
        const kind = avatarKind(settings.avatarField);
        if (kind) avatar = { field: settings.avatarField, kind };
        else warn('avatarField', `avatarField "${settings.avatarField}" is no longer a media or URL attribute; avatars are left out`);
      }
      const optional = (key: 'badgeField' | 'lastLoginField', types: Set<string>, what: string) => {
        const field = settings[key];
        if (!field) return null;
        if (isChoice(types, field)) return field;
        warn(key, `${key} "${field}" is no longer a ${what} attribute of the user model; it is left out`);
        return null;
      };
      return {
        name,
        avatar,
        badge: optional('badgeField', BADGE_TYPES, 'public text, number or enumeration'),
        lastLogin: optional('lastLoginField', LAST_LOGIN_TYPES, 'public date, datetime or timestamp'),
        nameTemplate: this.template(settings.nameTemplate ?? ''),
        friends: friendsOf(settings.friendsField ?? ''),
      };
    },

    /** A saved template as parts, or null (none, or naming an attribute the model no longer has public: warned once a minute). */
    template(source: string): NameTemplate | null {
      if (!source) return null;
      const parsed = parseNameTemplate(source);
      if ('error' in parsed) {
        warn('nameTemplate', `nameTemplate ${parsed.error}; the name field is used`);
        return null;
      }
      const unusable = unusableInTemplate(parsed.attributes);
      if (unusable.length > 0) {
        warn('nameTemplate', `nameTemplate names "${unusable[0]}", which is no longer a public text or whole-number attribute of the user model; the name field is used`);
        return null;
      }
      return { source, ...parsed };
    },
  };
};

export default userFieldsService;
export type UserFieldsService = ReturnType<typeof userFieldsService>;
