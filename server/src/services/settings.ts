import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { getService } from './get-service';
import { deriveKey, isSealed, seal, unseal } from '../utils/secret-box';
import { logEvery } from '../utils/log-every';
import { isUnset, type PluginConfig } from '../config';
import {
  API_PASSWORD_RECOMMENDED_LENGTH,
  DEFAULT_SETTINGS,
  SECRET_KEYS,
  SETTING_KEYS,
  castConfigValue,
  isImbaChatScriptUrl,
  isSecretKey,
  type PublicSettings,
  type SecretKey,
  type SettingKey,
  type Settings,
} from '../../../contract';
import { parseSettingsUpdate } from '../validation/settings';
import { fieldsValidationError } from '../validation/field-errors';

/** The effective settings and what could not be read from the database. */
export interface SettingsSnapshot {
  settings: Settings;
  unreadable: SecretKey[];
}

const STORE_KEY = 'settings';

const SECRET_NAMES: Record<SecretKey, string> = { apiPassword: 'API password', secretKey: 'Secret key' };

/** Why a route that needs this secret cannot work, for its 503 answer. */
export const unreadableReason = (key: SecretKey) =>
  `The saved ${SECRET_NAMES[key]} cannot be decrypted (Strapi's encryption key changed or is missing): enter it again in Settings → ImbaChat`;

/** Why nothing can be signed for the widget yet (chat, dialog and dashboard tokens), for a 503; null when it can. */
export const signingProblem = ({ settings, unreadable }: SettingsSnapshot): string | null => {
  if (!settings.secretKey && unreadable.includes('secretKey')) return unreadableReason('secretKey');
  if (!settings.widgetId || !settings.secretKey) return 'ImbaChat is not configured: set the widget ID and the secret key';
  return null;
};

/**
 * The one owner of the plugin's settings: defaults, then what the admin saved in Strapi's core
 * store (shared by every instance on the database), then config/plugins, which wins.
 * Reads are cached for `settingsCacheMs`, so a save on another instance is seen within that bound.
 */
/** Told of a save: the settings in force before it, and after. */
export type SettingsListener = (before: Settings, after: Settings) => Promise<void> | void;

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
        if (!isUnset(config[key])) locked[key] = castConfigValue(key, config[key]);
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

  const warn = logEvery((message) => strapi.log.warn(message), 60_000);
  /** Who follows saved changes (the search index, for the name field): told after each save, in turn. */
  const listeners = new Set<SettingsListener>();

  /** The stored row exactly as it is in the database (sealed secrets, unknown keys and all). */
  const readRaw = async (): Promise<Record<string, unknown>> =>
    ((await store().get({})) as Record<string, unknown> | null) ?? {};

  /** The usable values of a stored row; a secret that cannot be unsealed is reported, not thrown. */
  const openRow = (raw: Record<string, unknown>): { values: Partial<Settings>; unreadable: SecretKey[] } => {
    const values: Record<string, unknown> = {};
    const unreadable: SecretKey[] = [];
    const locked = lockedValues();
    for (const key of SETTING_KEYS) {
      const value = raw[key];
      // A value config/plugins locks is never used, so it need not be readable either.
      if (value === undefined || value === null || key in locked) continue;
      if (isSealed(value)) {
        const sealing = sealingKey();
        try {
          if (!sealing) throw new Error('no key');
          values[key] = unseal(value, sealing);
        } catch {
          unreadable.push(key as SecretKey);
        }
      } else if (key === 'widgetScriptUrl' && !isImbaChatScriptUrl(String(value))) {
        // Saved before the admin API refused such addresses: never hand it to the front ends.
        warn('widgetScriptUrl-ignored', `The saved widgetScriptUrl is not on imbachat.com and is ignored; set it in config/plugins if you mean it`);
      } else {
        values[key] = value;
      }
    }
    return { values: values as Partial<Settings>, unreadable };
  };

  const snapshotOf = (raw: Record<string, unknown>): SettingsSnapshot => {
    const { values, unreadable } = openRow(raw);
    return { settings: Object.freeze({ ...DEFAULT_SETTINGS, ...values, ...lockedValues() }), unreadable };
  };

  /** Secrets are sealed on the way into the database whenever Strapi has an encryption key. */
  const sealIfKeyed = (value: string): string => {
    const sealing = sealingKey();
    return sealing && value !== '' ? seal(value, sealing) : value;
  };

  let cached: { snapshot: Promise<SettingsSnapshot>; expiresAt: number } | undefined;
  const remember = (snapshot: Promise<SettingsSnapshot>) => {
    cached = { snapshot, expiresAt: Date.now() + pluginConfig().settingsCacheMs };
    snapshot.catch(() => {
      if (cached?.snapshot === snapshot) cached = undefined;
    });
    return snapshot;
  };

  return {
    /** The effective settings and the secrets that could not be read, cached for settingsCacheMs. */
    snapshot(): Promise<SettingsSnapshot> {
      if (cached && cached.expiresAt > Date.now()) return cached.snapshot;
      return remember(readRaw().then(snapshotOf));
    },

    /** The effective settings, secrets included (an unreadable secret reads as unset): for the server's own use only. */
    async get(): Promise<Settings> {
      return (await this.snapshot()).settings;
    },

    lockedKeys(): SettingKey[] {
      return SETTING_KEYS.filter((key) => key in lockedValues());
    },

    async getPublic(): Promise<PublicSettings> {
      const { settings, unreadable } = await this.snapshot();
      const { apiPassword, secretKey, ...visible } = settings;
      return {
        ...visible,
        apiPasswordSet: apiPassword !== '',
        secretKeySet: secretKey !== '',
        unreadableSecrets: unreadable,
        apiPasswordShort: apiPassword !== '' && apiPassword.length < API_PASSWORD_RECOMMENDED_LENGTH,
        locked: this.lockedKeys(),
      };
    },

    /** `listener(before, after)` after every save from the admin API, awaited before the save answers; returns the unsubscribe. */
    onSaved(listener: SettingsListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * Saves a partial update: a key left out is unchanged, `null` restores the default. Only the
     * named keys change in the stored row; everything else (locked or unreadable values) stays as it is.
     * Throws Strapi's ValidationError naming the field.
     */
    async update(input: unknown): Promise<Settings> {
      const update = parseSettingsUpdate(input);
      const { settings: effective } = await this.snapshot();
      const locked = lockedValues();
      for (const key of Object.keys(update) as SettingKey[]) {
        // A secret cannot be seen, so sending one at all is an attempt to change it.
        if (key in locked && (isSecretKey(key) || update[key] !== effective[key])) throw lockedError(key);
      }
      getService(strapi, 'userFields').assertUsable(update);

      const row = await readRaw();
      for (const [key, value] of Object.entries(update)) {
        if (key in locked) continue;
        if (value === null) delete row[key];
        else row[key] = isSecretKey(key) ? sealIfKeyed(value as string) : value;
      }
      await store().set({ value: row });
      const saved = (await remember(Promise.resolve(snapshotOf(row)))).settings;
      for (const listener of [...listeners]) await listener(effective, saved);
      return saved;
    },

    /**
     * At start-up: logs one clear error for each saved secret that cannot be decrypted (the site
     * still starts), and seals secrets saved before Strapi had an encryption key.
     */
    async checkStoredSecrets() {
      const raw = await readRaw();
      const { unreadable } = openRow(raw);
      if (unreadable.length > 0) {
        const names = unreadable.map((key) => `${SECRET_NAMES[key]} (${key})`).join(' and ');
        const state = sealingKey() ? 'is not the key it was saved with' : 'is not set';
        strapi.log.error(
          `[imbachat] The saved ${names} cannot be decrypted: admin.secrets.encryptionKey ${state}. ` +
            `The routes that need ${unreadable.length > 1 ? 'them' : 'it'} answer 503 until you restore that key, ` +
            `or enter ${unreadable.length > 1 ? 'them' : 'it'} again in Settings → ImbaChat ` +
            `(or set ${unreadable.map((key) => `imbachat.config.${key}`).join(' and ')} in config/plugins).`
        );
      }
      const plain = SECRET_KEYS.filter((key) => typeof raw[key] === 'string' && raw[key] !== '' && !isSealed(raw[key]));
      if (plain.length === 0) return;
      if (sealingKey()) {
        for (const key of plain) raw[key] = sealIfKeyed(raw[key] as string);
        await store().set({ value: raw });
        this.invalidate();
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

const lockedError = (key: SettingKey) =>
  fieldsValidationError(
    [{ key, message: `${key} is set in config/plugins and cannot be changed here` }],
    `${key} is set in config/plugins (imbachat.config.${key}) and cannot be changed here`
  );

export default settingsService;
export type SettingsService = ReturnType<typeof settingsService>;
