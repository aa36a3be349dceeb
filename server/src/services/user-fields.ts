import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { USER_UID } from '../constants';
import type { Settings, SettingsUpdate } from '../../../contract';

type Attribute = { type: string; private?: boolean; multiple?: boolean };

/** Never shown to the chat server, whatever the schema says about them. */
const PRIVATE_FIELDS = new Set(['password', 'resetPasswordToken', 'confirmationToken', 'provider', 'email']);
const NAME_TYPES = new Set(['string', 'text', 'uid', 'enumeration']);
const AVATAR_URL_TYPES = new Set(['string', 'text']);
const BADGE_TYPES = new Set(['string', 'text', 'uid', 'enumeration', 'integer', 'biginteger', 'decimal', 'float']);
const LAST_LOGIN_TYPES = new Set(['date', 'datetime', 'timestamp']);
/** Strapi's own timestamps that never say when someone was last around. */
const NOT_LOGIN_TIMES = new Set(['createdAt', 'publishedAt']);

export interface UserFieldPlan {
  /** Attribute read as the user's `name`; `username` when the setting is unusable. */
  name: string;
  avatar: { field: string; kind: 'media' | 'url' } | null;
  /** Attribute sent as `badge`, when set and usable. */
  badge: string | null;
  /** Attribute sent as `lastlogin` (unix seconds), when set and usable. */
  lastLogin: string | null;
}

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

  const warned = new Set<string>();
  // Settings objects are frozen and replaced on change, so a plan can be kept per object.
  const plans = new WeakMap<object, UserFieldPlan>();
  const warnOnce = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    strapi.log.warn(`[imbachat] ${message}`);
  };

  return {
    choices() {
      return {
        nameField: nameChoices(),
        avatarField: avatarChoices(),
        badgeField: choicesOf(BADGE_TYPES),
        lastLoginField: choicesOf(LAST_LOGIN_TYPES),
      };
    },

    /** Throws a ValidationError when a field setting names no usable attribute of the user model. */
    assertUsable(update: Pick<SettingsUpdate, 'nameField' | 'avatarField' | 'badgeField' | 'lastLoginField'>) {
      const problems: { path: string[]; message: string; name: string }[] = [];
      const { nameField, avatarField, badgeField, lastLoginField } = update;
      if (nameField && !nameChoices().some((choice) => choice.name === nameField)) {
        problems.push({
          path: ['nameField'],
          message: `nameField: "${nameField}" is not a public text attribute of the user model`,
          name: 'ValidationError',
        });
      }
      if (avatarField && avatarKind(avatarField) === null) {
        problems.push({
          path: ['avatarField'],
          message: `avatarField: "${avatarField}" is not a single media or URL text attribute of the user model`,
          name: 'ValidationError',
        });
      }
      if (badgeField && !isChoice(BADGE_TYPES, badgeField)) {
        problems.push({
          path: ['badgeField'],
          message: `badgeField: "${badgeField}" is not a public text, number or enumeration attribute of the user model`,
          name: 'ValidationError',
        });
      }
      if (lastLoginField && !isChoice(LAST_LOGIN_TYPES, lastLoginField)) {
        problems.push({
          path: ['lastLoginField'],
          message: `lastLoginField: "${lastLoginField}" is not a public date, datetime or timestamp attribute of the user model`,
          name: 'ValidationError',
        });
      }
      if (problems.length > 0) {
        throw new errors.ValidationError(problems.map((p) => p.message).join('; '), { errors: problems });
      }
    },

    /** Resolves the settings to attributes, falling back (with one warning) when the schema changed. */
    plan(settings: Pick<Settings, 'nameField' | 'avatarField' | 'badgeField' | 'lastLoginField'>): UserFieldPlan {
      let plan = plans.get(settings);
      if (!plan) {
        plan = this.resolve(settings);
        plans.set(settings, plan);
      }
      return plan;
    },

    resolve(settings: Pick<Settings, 'nameField' | 'avatarField' | 'badgeField' | 'lastLoginField'>): UserFieldPlan {
      let name = settings.nameField;
      if (name !== 'username' && !nameChoices().some((choice) => choice.name === name)) {
        warnOnce(`nameField "${name}" is no longer a public text attribute of the user model; using username`);
        name = 'username';
      }
      let avatar: UserFieldPlan['avatar'] = null;
      if (settings.avatarField) {
        const kind = avatarKind(settings.avatarField);
        if (kind) avatar = { field: settings.avatarField, kind };
        else warnOnce(`avatarField "${settings.avatarField}" is no longer a media or URL attribute; avatars are left out`);
      }
      const optional = (key: 'badgeField' | 'lastLoginField', types: Set<string>, what: string) => {
        const field = settings[key];
        if (!field) return null;
        if (isChoice(types, field)) return field;
        warnOnce(`${key} "${field}" is no longer a ${what} attribute of the user model; it is left out`);
        return null;
      };
      return {
        name,
        avatar,
        badge: optional('badgeField', BADGE_TYPES, 'public text, number or enumeration'),
        lastLogin: optional('lastLoginField', LAST_LOGIN_TYPES, 'public date, datetime or timestamp'),
      };
    },
  };
};

export default userFieldsService;
export type UserFieldsService = ReturnType<typeof userFieldsService>;
