// Finished backtest runs (database "helix-runs", db.ts), so that reopening the page (or following
// a share link to a run made here before) shows the result at once instead of repeating a
// minute-long walk-forward backtest. A run is deterministic (conventions.md: same configuration and
// data, same bits), so the key is the canonical configuration JSON — which names the data set's
// content hash — plus the build of the backtest code that produced it (`build`), so that a new
// release never shows a result computed by older code.
//
// Only the few most recent runs are kept (a result is a few MB). Everything here is best effort:
// a full or missing storage only means the backtest runs again.
import { get, set, del, promisifyRequest, type UseStore } from 'idb-keyval';
import type { BacktestResult } from '../core/backtest/index.ts';
import type { BrowserGlobals, IdbDatabase } from './dom.d.ts';
import { getStore, OBJECT_STORE, STORE_DATABASES } from './db.ts';
import { toStorageError } from './errors.ts';

/** Runs kept; older ones are deleted when a new one is saved. */
export const MAX_STORED_RUNS = 8;

interface RunIndexEntry { key: string; savedAt: number; config?: unknown }

export interface StoredRun {
  key: string;
  savedAt: number;
  result: BacktestResult;
}

const INDEX_KEY = 'index';

/**
 * A store that opens its database for each operation and closes it as soon as the operation's
 * transaction ends. For the engine worker: it can spend a long while in one synchronous loop between
 * reading and writing, and an open connection it cannot close meanwhile would block "Delete
 * everything stored" (a database deletion waits for every open connection) for that long.
 */
export function shortLivedStore(dbName: string = STORE_DATABASES.runs, storeName = OBJECT_STORE): UseStore {
  const g = globalThis as unknown as BrowserGlobals;
  return (txMode, callback) => {
    if (!g.indexedDB) return Promise.reject(new Error('IndexedDB is not available'));
    const request = g.indexedDB.open(dbName);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
    };
    return promisifyRequest<IdbDatabase>(request).then((db) => {
      // Someone wants the database deleted or upgraded: let go at once.
      db.onversionchange = () => db.close();
      try {
        const tx = db.transaction(storeName, txMode);
        // Resolve only once the transaction has committed (and so the connection closed): a
        // caller that goes on with a long synchronous job must not keep either pending.
        // Listeners, not on-properties: idb-keyval sets tx.oncomplete itself for writes.
        const committed = new Promise<void>((resolve, reject) => {
          tx.addEventListener('complete', () => resolve());
          tx.addEventListener('abort', () => reject(tx.error ?? new Error('the transaction was aborted')));
        });
        return Promise.all([callback(tx.objectStore(storeName)), committed]).then(([value]) => value);
      } finally {
        // close() waits for the transaction above to finish, then closes the connection.
        db.close();
      }
    });
  };
}

/** The storage key of a run: the build of the backtest code and the canonical configuration. */
export function runKey(build: string, canonicalConfig: string): string {
  return `${build}\n${canonicalConfig}`;
}

/** The parts of a key made by runKey (the configuration parsed, not validated); null when it is not one. */
export function parseRunKey(key: string): { build: string; config: unknown } | null {
  const nl = key.indexOf('\n');
  if (nl < 0) return null;
  try {
    return { build: key.slice(0, nl), config: JSON.parse(key.slice(nl + 1)) as unknown };
  } catch {
    return null;
  }
}

/** A stored run as listed (without its result): its key and when it was saved. */
export interface StoredRunEntry { key: string; savedAt: number; config: unknown }

export class RunStore {
  constructor(private readonly store: UseStore = getStore('runs')) {}

  async get(key: string): Promise<StoredRun | undefined> {
    try {
      const v = (await get(['run', key], this.store)) as StoredRun | undefined;
      return v && typeof v === 'object' && v.key === key && v.result && typeof v.result === 'object' ? v : undefined;
    } catch (err) {
      throw toStorageError(err, 'Reading a stored backtest run', STORE_DATABASES.runs);
    }
  }

  /** Saves a run and drops the oldest beyond MAX_STORED_RUNS. */
  async put(key: string, result: BacktestResult, now = Date.now()): Promise<void> {
    try {
      const index = ((await get(INDEX_KEY, this.store)) as RunIndexEntry[] | undefined) ?? [];
      // The index names each run's configuration, so that a list of runs needs no result read.
      const next = [...index.filter((e) => e && e.key !== key), { key, savedAt: now, config: result.config }];
      const drop = next.length > MAX_STORED_RUNS ? next.splice(0, next.length - MAX_STORED_RUNS) : [];
      await set(['run', key], { key, savedAt: now, result } satisfies StoredRun, this.store);
      await set(INDEX_KEY, next, this.store);
      for (const d of drop) await del(['run', d.key], this.store);
    } catch (err) {
      throw toStorageError(err, 'Saving the backtest run', STORE_DATABASES.runs);
    }
  }

  /** The stored runs, oldest first, without reading their results (read-only; for the Compare runs view). */
  async list(): Promise<StoredRunEntry[]> {
    try {
      const index = ((await get(INDEX_KEY, this.store)) as RunIndexEntry[] | undefined) ?? [];
      return index.filter((e) => e && typeof e.key === 'string').map((e) => ({ key: e.key, savedAt: Number(e.savedAt) || 0, config: e.config ?? parseRunKey(e.key)?.config ?? null }));
    } catch (err) {
      throw toStorageError(err, 'Listing the stored backtest runs', STORE_DATABASES.runs);
    }
  }

  async keys(): Promise<string[]> {
    try {
      return (((await get(INDEX_KEY, this.store)) as RunIndexEntry[] | undefined) ?? []).map((e) => e.key);
    } catch (err) {
      throw toStorageError(err, 'Listing the stored backtest runs', STORE_DATABASES.runs);
    }
  }
}
