import type { Core } from '@strapi/strapi';
import { errors, validateYupSchema } from '@strapi/utils';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';
import { deriveKey, isSealed, seal, unseal } from '../utils/secret-box';
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

  let derived: { from: string; key: Buffer } | undefined;
  /** The key that seals the secrets at rest, from Strapi's admin.secrets.encryptionKey (none without it). */
  const sealingKey = (): Buffer | null => {
    const encryptionKey = strapi.config.get('admin.secrets.encryptionKey') as unknown;
    if (typeof encryptionKey !== 'string' || encryptionKey === '') return null;
    if (derived?.from !== encryptionKey) derived = { from: encryptionKey, key: deriveKey(encryptionKey) };
    return derived.key;
  };

  const openSecret = (key: SettingKey, value: string): string => {
    const sealing = sealingKey();
    try {
      if (!sealing) throw new Error('no key');
      return unseal(value, sealing);
    } catch {
      throw new Error(
        `[imbachat] The saved ${key} cannot be decrypted: admin.secrets.encryptionKey is ${sealing ? 'not the key it was saved with' : 'not set'}. ` +
          `Restore that key, or set imbachat.config.${key} in config/plugins (which wins over the saved value) and save a new one.`
      );
    }
  };

  const readStored = async (): Promise<Partial<Settings>> => {
    const stored = (await store().get({})) as Record<string, unknown> | null;
    const known: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      const value = stored?.[key];
      if (value === undefined || value === null) continue;
      if (isSealed(value)) {
        // A value config/plugins locks is never used, so it need not be readable either.
        if (!(key in lockedValues())) known[key] = openSecret(key, value);
      } else {
        known[key] = value;
      }
    }
    return known as Partial<Settings>;
  };

  /** Secrets are sealed on the way into the database whenever Strapi has an encryption key. */
  const writeStored = async (values: Record<string, unknown>) => {
    const sealing = sealingKey();
    const row: Record<string, unknown> = { ...values };
    for (const key of SECRET_KEYS) {
      if (sealing && typeof row[key] === 'string' && row[key] !== '') row[key] = seal(row[key] as string, sealing);
    }
    await store().set({ value: row });
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
      await writeStored(stored);
      const settings = Promise.resolve(merge(stored as Partial<Settings>));
      cached = { settings, expiresAt: Date.now() + pluginConfig().settingsCacheMs };
      return settings;
    },

    /**
     * At start-up: fails with a clear message when a saved secret cannot be decrypted, and seals
     * secrets saved before Strapi had an encryption key. Warns when there is no key to seal with.
     */
    async checkStoredSecrets() {
      const raw = ((await store().get({})) ?? {}) as Record<string, unknown>;
      const stored = await readStored();
      const plain = SECRET_KEYS.filter((key) => typeof raw[key] === 'string' && raw[key] !== '' && !isSealed(raw[key]));
      if (plain.length === 0) return;
      if (sealingKey()) {
        await writeStored(stored);
        strapi.log.info(`[imbachat] Encrypted the saved ${plain.join(' and ')} with admin.secrets.encryptionKey`);
      } else {
        strapi.log.warn(`[imbachat] The ${plain.join(' and ')} are saved unencrypted: set admin.secrets.encryptionKey to encrypt them`);
      }
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
