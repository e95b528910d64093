// The browser's IndexedDB, through idb-keyval. Every logical store lives in its OWN database
// (like idb-keyval's createStore, which opens a database without a version and creates its one
// object store on first open, so a second object store could never be added to an existing database
// without a version upgrade). Adding a store for later features is therefore one line in
// STORE_DATABASES, needs no schema migration and cannot disturb the stores already on a user's
// machine. All idb-keyval functions (get, set, update, del, …) take the UseStore returned here.
//
//   datasets  — data sets: metadata under ['meta', id], the big panel under ['panel', id] (datasets.ts)
//   settings  — small user preferences (settings.ts)
//   runs, studies — finished backtest runs (runs.ts) and tuning studies (studies.ts)
//   cache     — the pipeline's refits, chains and regime paths (regime-cache.ts, two object stores)
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { BrowserGlobals, IdbDatabase } from './dom.d.ts';

const g = globalThis as unknown as BrowserGlobals;

export const STORE_DATABASES = {
  datasets: 'helix-datasets',
  settings: 'helix-settings',
  runs: 'helix-runs',
  studies: 'helix-studies',
  /** The pipeline's cache of refits, chains and regime paths (opened by regime-cache.ts, not getStore). */
  cache: 'helix-cache',
} as const;

export type StoreName = keyof typeof STORE_DATABASES;

/** The object store name inside each database (one per database, see above). */
export const OBJECT_STORE = 'keyval';

/**
 * idb-keyval's createStore, plus one thing it lacks: the connection closes itself when another tab
 * (or deleteAllDatabases) asks to delete or upgrade the database, and the next call reopens it.
 * Without that, "delete everything stored" would stay blocked for as long as the page is open.
 */
export function createKeyvalStore(dbName: string, storeName = OBJECT_STORE): UseStore {
  let dbp: Promise<IdbDatabase> | undefined;
  const getDB = (): Promise<IdbDatabase> => {
    if (dbp) return dbp;
    if (!g.indexedDB) return Promise.reject(new Error('IndexedDB is not available'));
    const request = g.indexedDB.open(dbName);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
    };
    const p = promisifyRequest<IdbDatabase>(request);
    dbp = p;
    p.then(
      (db) => {
        const forget = () => { if (dbp === p) dbp = undefined; };
        db.onclose = forget;
        db.onversionchange = () => { db.close(); forget(); };
      },
      () => { if (dbp === p) dbp = undefined; },
    );
    return p;
  };
  return (txMode, callback) => getDB().then((db) => callback(db.transaction(storeName, txMode).objectStore(storeName)));
}

const opened = new Map<StoreName, UseStore>();

/** The idb-keyval store for `name`. Lazy: nothing touches IndexedDB until the first read or write. */
export function getStore(name: StoreName): UseStore {
  let s = opened.get(name);
  if (!s) {
    s = createKeyvalStore(STORE_DATABASES[name]);
    opened.set(name, s);
  }
  return s;
}

/** Is IndexedDB there at all? (It is missing in some private modes and in node without a shim.) */
export function indexedDbAvailable(): boolean {
  return !!g.indexedDB;
}

/**
 * Deletes every Helix database in this browser (the "delete everything stored" button and tests).
 * Open connections in this page close themselves on the version change (createKeyvalStore); a
 * connection held by another open tab delays the deletion until that tab closes.
 */
export async function deleteAllDatabases(): Promise<void> {
  if (!indexedDbAvailable()) return;
  await Promise.all(
    Object.values(STORE_DATABASES).map(
      (dbName) =>
        new Promise<void>((resolve, reject) => {
          const req = g.indexedDB!.deleteDatabase(dbName);
          req.onsuccess = () => resolve();
          req.onerror = () => reject(req.error ?? new Error(`could not delete database ${dbName}`));
          // Another tab (of an older build) still holds the database open. The deletion goes ahead
          // once that tab closes; say so rather than wait silently.
          req.onblocked = () =>
            reject(new Error(`Deleting the stored data (database ${dbName}) is waiting for another Helix tab: close the other Helix tabs and it completes.`));
        }),
    ),
  );
}

/**
 * How much this site stores and may store (navigator.storage.estimate), or null where the browser
 * does not say. Shown next to the data set list so a person sees a quota problem coming.
 */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    if (!g.navigator?.storage?.estimate) return null;
    const e = await g.navigator.storage.estimate();
    if (typeof e.usage !== 'number' || typeof e.quota !== 'number') return null;
    return { usage: e.usage, quota: e.quota };
  } catch {
    return null;
  }
}
