import type { Core } from '@strapi/strapi';
import { errors, validateYupSchema } from '@strapi/utils';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';
import { isUnset, type PluginConfig } from '../config';
import {
  DEFAULT_SETTINGS,
  SECRET_KEYS,
  SETTING_KEYS,
  SETTING_SCHEMAS,
  isSecretKey,
  settingsUpdateSchema,
  type SettingKey,
  type Settings,
  type SettingsUpdate,
} from '../validation/settings';

/** What the admin API may show: every setting but the secrets, and which values config/plugins locks. */
export type PublicSettings = Omit<Settings, (typeof SECRET_KEYS)[number]> & {
  apiPasswordSet: boolean;
  secretKeySet: boolean;
  locked: SettingKey[];
};

const STORE_KEY = 'settings';

/**
 * The one owner of the plugin's settings: defaults, then what the admin saved in Strapi's core
 * store (shared by every instance on the database), then config/plugins, which wins.
 * Reads are cached for `settingsCacheMs`, so a save on another instance is seen within that bound.
 */
const settingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID, key: STORE_KEY });
  const pluginConfig = () => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;

  let lockedCache: Partial<Settings> | undefined;
  /** Values from config/plugins, cast to their types (env vars arrive as strings). */
  const lockedValues = (): Partial<Settings> => {
    if (!lockedCache) {
      const config = pluginConfig() as unknown as Record<string, unknown>;
      const locked: Record<string, unknown> = {};
      for (const key of SETTING_KEYS) {
        if (!isUnset(config[key])) locked[key] = SETTING_SCHEMAS[key].cast(config[key]);
      }
      lockedCache = locked as Partial<Settings>;
    }
    return lockedCache;
  };

  const readStored = async (): Promise<Partial<Settings>> => {
    const stored = (await store().get({})) as Record<string, unknown> | null;
    const known: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      if (stored && stored[key] !== undefined && stored[key] !== null) known[key] = stored[key];
    }
    return known as Partial<Settings>;
  };

  const merge = (stored: Partial<Settings>): Settings =>
    Object.freeze({ ...DEFAULT_SETTINGS, ...stored, ...lockedValues() });

  let cached: { settings: Promise<Settings>; expiresAt: number } | undefined;

  return {
    /** The effective settings, secrets included: for the server's own use only. */
    get(): Promise<Settings> {
      const now = Date.now();
      if (!cached || cached.expiresAt <= now) {
        const settings = readStored().then(merge);
        cached = { settings, expiresAt: now + pluginConfig().settingsCacheMs };
        settings.catch(() => {
          if (cached?.settings === settings) cached = undefined;
        });
      }
      return cached.settings;
    },

    lockedKeys(): SettingKey[] {
      return SETTING_KEYS.filter((key) => key in lockedValues());
    },

    async getPublic(): Promise<PublicSettings> {
      const settings = await this.get();
      const { apiPassword, secretKey, ...visible } = settings;
      return {
        ...visible,
        apiPasswordSet: apiPassword !== '',
        secretKeySet: secretKey !== '',
        locked: this.lockedKeys(),
      };
    },

    /**
     * Saves a partial update: a key left out is unchanged, `null` restores the default.
     * Throws Strapi's ValidationError naming the field.
     */
    async update(input: unknown): Promise<Settings> {
      const update = (await validateYupSchema(settingsUpdateSchema)(input ?? {}).catch(withoutSecretValues)) as SettingsUpdate;
      const effective = await this.get();
      const locked = lockedValues();
      for (const key of Object.keys(update) as SettingKey[]) {
        // A secret cannot be seen, so sending one at all is an attempt to change it.
        if (key in locked && (isSecretKey(key) || update[key] !== effective[key])) throw lockedError(key);
      }
      getService(strapi, 'userFields').assertUsable(update);

      const stored = { ...(await readStored()) } as Record<string, unknown>;
      for (const [key, value] of Object.entries(update)) {
        if (key in locked) continue;
        if (value === null) delete stored[key];
        else stored[key] = value;
      }
      await store().set({ value: stored });
      const settings = Promise.resolve(merge(stored as Partial<Settings>));
      cached = { settings, expiresAt: Date.now() + pluginConfig().settingsCacheMs };
      return settings;
    },

    /** Forget the cached copy, so the next read goes to the database. */
    invalidate() {
      cached = undefined;
    },
  };
};

/** Yup's error details echo the value they refused: never for a secret. */
const withoutSecretValues = (error: unknown): never => {
  const details = (error as { details?: { errors?: { path?: string[]; value?: unknown }[] } }).details;
  for (const item of details?.errors ?? []) {
    if (item.path?.some((part) => isSecretKey(part))) delete item.value;
  }
  throw error;
};

const lockedError = (key: SettingKey) =>
  new errors.ValidationError(`${key} is set in config/plugins (imbachat.config.${key}) and cannot be changed here`, {
    errors: [
      {
        path: [key],
        message: `${key} is set in config/plugins and cannot be changed here`,
        name: 'ValidationError',
      },
    ],
  });

export default settingsService;
export type SettingsService = ReturnType<typeof settingsService>;
