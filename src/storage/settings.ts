// Small user preferences that survive a reload (database "helix-settings", db.ts). Later features
// add their keys to `Settings`; values must be structured-cloneable plain data.
import { get, set, del, type UseStore } from 'idb-keyval';
import { getStore, STORE_DATABASES } from './db.ts';
import { toStorageError } from './errors.ts';

export interface Settings {
  /** The data set selected on the Data screen, restored on the next visit. */
  selectedDatasetId: string;
  /** Log scale on the normalised price chart. */
  priceChartLog: boolean;
  /** Per data set id: the configuration of its last run (validated again when read). */
  lastRunConfig: Record<string, unknown>;
}

export class SettingsStore {
  constructor(private readonly store: UseStore = getStore('settings')) {}

  async get<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined> {
    try {
      return (await get(key, this.store)) as Settings[K] | undefined;
    } catch (err) {
      throw toStorageError(err, `Reading the setting “${key}”`, STORE_DATABASES.settings);
    }
  }

  async set<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    try {
      await set(key, value, this.store);
    } catch (err) {
      throw toStorageError(err, `Saving the setting “${key}”`, STORE_DATABASES.settings);
    }
  }

  async delete(key: keyof Settings): Promise<void> {
    try {
      await del(key, this.store);
    } catch (err) {
      throw toStorageError(err, `Clearing the setting “${key}”`, STORE_DATABASES.settings);
    }
  }
}

let defaultSettings: SettingsStore | undefined;
export function settingsStore(): SettingsStore {
  return (defaultSettings ??= new SettingsStore());
}
