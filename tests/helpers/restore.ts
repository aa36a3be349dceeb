import type { Core } from '@strapi/strapi';
import { settingsService, type TestApp } from './strapi';

/** A core-store row: the plugin's settings, or users-permissions' `advanced`, `grant`, … */
export interface StoreKey {
  type: 'plugin' | 'core';
  name: string;
  key: string;
}

export const SETTINGS_ROW: StoreKey = { type: 'plugin', name: 'imbachat', key: 'settings' };

type Restore = () => Promise<void>;

/** Reads a core-store row now; the returned function writes it back byte for byte (or removes a row that was not there). */
export const keepStoreRow = async (strapi: Core.Strapi, key: StoreKey): Promise<Restore> => {
  const store = strapi.store(key);
  const before = await store.get({});
  return async () => {
    if (before === null || before === undefined) await store.delete({});
    else await store.set({ value: before });
  };
};

/** The plugin's stored settings row, put back with the settings cache dropped so the next read sees it. */
export const keepSettings = async (strapi: Core.Strapi): Promise<Restore> => {
  const restoreRow = await keepStoreRow(strapi, SETTINGS_ROW);
  return async () => {
    await restoreRow();
    settingsService(strapi).invalidate();
  };
};

/** Strapi config values (`server.url`, `plugin::…`): the returned function sets each back. */
export const keepConfig = (strapi: Core.Strapi, paths: string[]): Restore => {
  const before = paths.map((path) => [path, strapi.config.get(path)] as const);
  return async () => {
    for (const [path, value] of before) strapi.config.set(path, value);
  };
};

export interface Kept {
  /** Strapi config paths a test may change. */
  config?: string[];
  /** Core-store rows besides the plugin's settings a test may change. */
  stores?: StoreKey[];
}

/**
 * Every test of the enclosing block starts from the settings (and the config and store rows named)
 * the file's beforeAll left, whatever an earlier test changed: read before each test, written back after.
 */
export const restoreAfterEach = (getApp: () => TestApp, { config = [], stores = [] }: Kept = {}) => {
  let restores: Restore[] = [];
  beforeEach(async () => {
    const { strapi } = getApp();
    restores = [await keepSettings(strapi), keepConfig(strapi, config)];
    for (const key of stores) restores.push(await keepStoreRow(strapi, key));
  });
  afterEach(async () => {
    for (const restore of restores.reverse()) await restore();
    restores = [];
  });
};

/** Runs `work` and then puts back what `keep` read before it, even when `work` throws. */
export const withKept = async <T>(keep: Promise<Restore> | Restore, work: () => Promise<T>): Promise<T> => {
  const restore = await keep;
  try {
    return await work();
  } finally {
    await restore();
  }
};
