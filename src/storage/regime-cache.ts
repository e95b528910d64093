// The pipeline's cache in this browser (database "helix-cache"): fitted refits, regime chains and
// finished regime paths by their names (src/core/pipeline/keys.ts), shared by every worker of every
// tab, so that a reload, a tuning study followed by a backtest, or a data set extended by new days
// computes only what is new. Values are stored as IndexedDB clones them (typed arrays included).
//
// Size: at most `maxBytes` (approximate sizes of the values); past it, the least recently used
// entries go. Failures are never errors for the person: the engine wraps this store in
// FailSafeCache, so a full or broken store only means values are computed again; this database is
// separate from the data sets, runs and studies, so nothing there is ever touched by it.
import type { RegimeCache } from '../core/pipeline/cache.ts';
import { approxBytes } from '../core/pipeline/codec.ts';
import type { BrowserGlobals, IdbDatabase, IdbRequest, IdbTransaction, IdbValidKey } from './dom.d.ts';
import { STORE_DATABASES } from './db.ts';

export const CACHE_DATABASE = STORE_DATABASES.cache;
const VALUES = 'values';
const META = 'meta';
/** Default size limit of the store. */
export const CACHE_MAX_BYTES = 200 * 2 ** 20;

interface Meta { bytes: number; used: number }

function req<T>(r: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IdbTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class IdbRegimeCache implements RegimeCache {
  private db: Promise<IdbDatabase> | null = null;
  /** Approximate bytes stored (read from the store on first use, then kept up to date here). */
  private total: number | null = null;
  private clock = 0;

  constructor(readonly maxBytes = CACHE_MAX_BYTES, private readonly dbName: string = CACHE_DATABASE) {}

  private open(): Promise<IdbDatabase> {
    if (this.db) return this.db;
    const g = globalThis as unknown as BrowserGlobals;
    if (!g.indexedDB) return Promise.reject(new Error('IndexedDB is not available'));
    const request = g.indexedDB.open(this.dbName, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(VALUES)) db.createObjectStore(VALUES);
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    const p = req<IdbDatabase>(request).then((db) => {
      // "Delete everything stored" (or another tab's upgrade) asks for the database: let go at once.
      db.onversionchange = () => { db.close(); if (this.db === p) this.db = null; };
      db.onclose = () => { if (this.db === p) this.db = null; };
      return db;
    });
    this.db = p;
    p.catch(() => { if (this.db === p) this.db = null; });
    return p;
  }

  /** A time stamp that only grows, for least-recently-used order across workers. */
  private now(): number {
    this.clock = Math.max(this.clock + 1e-3, Date.now());
    return this.clock;
  }

  /** Values written but not yet committed, and entries read since the last write (to mark them used). */
  private readonly pending = new Map<string, unknown>();
  private readonly touched = new Set<string>();
  private flushing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Reads in a read-only transaction (so that the workers of a run, which share this database, never
   * wait for one another's writes); the entries found are marked used with the next write.
   */
  async getMany(keys: readonly string[]): Promise<(unknown | undefined)[]> {
    if (!keys.length) return [];
    const out: (unknown | undefined)[] = keys.map((k) => this.pending.get(k));
    const missing = keys.map((_, i) => i).filter((i) => out[i] === undefined);
    if (missing.length) {
      const db = await this.open();
      const tx = db.transaction(VALUES, 'readonly');
      const values = tx.objectStore(VALUES);
      const got = await Promise.all(missing.map((i) => req<unknown>(values.get(keys[i]!))));
      missing.forEach((i, j) => { out[i] = got[j]; if (got[j] !== undefined) this.touched.add(keys[i]!); });
    }
    if (this.touched.size) this.schedule();
    return out;
  }

  /**
   * Queues the entries and returns at once: they are written together, in one transaction, a moment
   * later (a computation never waits for the disk; a value lost to a closed tab is only computed again).
   */
  async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const [k, v] of entries) this.pending.set(k, v);
    if (entries.length) this.schedule();
  }

  /** Writes everything queued now (tests, and before a worker is closed on purpose). */
  async flush(): Promise<void> {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    while (this.flushing) await this.flushing;
    if (!this.pending.size && !this.touched.size) return;
    this.flushing = this.write().finally(() => { this.flushing = null; });
    await this.flushing;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => { this.timer = null; void this.flush().catch((e: unknown) => this.onError?.(e)); }, 50);
  }

  /** Called with the error of a background write (FailSafeCache's switch-off, when wrapped by it). */
  onError: ((e: unknown) => void) | null = null;

  private async write(): Promise<void> {
    const entries = [...this.pending];
    const touched = [...this.touched].filter((k) => !this.pending.has(k));
    this.pending.clear();
    this.touched.clear();
    const db = await this.open();
    if (this.total === null) this.total = await this.measure(db);
    const tx = db.transaction([VALUES, META], 'readwrite');
    const values = tx.objectStore(VALUES), meta = tx.objectStore(META);
    const used = this.now();
    let added = 0;
    for (const [k, v] of entries) {
      const bytes = approxBytes(v);
      values.put(v, k);
      meta.put({ bytes, used } satisfies Meta, k);
      added += bytes;
    }
    await Promise.all(touched.map(async (k) => {
      const m = await req<Meta | undefined>(meta.get(k));
      if (m) meta.put({ bytes: m.bytes, used }, k);
    }));
    await done(tx);
    this.total += added;
    if (this.total > this.maxBytes) await this.evict(db);
  }

  private async measure(db: IdbDatabase): Promise<number> {
    const tx = db.transaction(META, 'readonly');
    const all = await req<Meta[]>(tx.objectStore(META).getAll());
    return all.reduce((a, m) => a + (m?.bytes ?? 0), 0);
  }

  /** Deletes the least recently used entries until the store is at 80% of its limit. */
  private async evict(db: IdbDatabase): Promise<void> {
    const tx = db.transaction([VALUES, META], 'readwrite');
    const meta = tx.objectStore(META), values = tx.objectStore(VALUES);
    const [keys, metas] = await Promise.all([req<IdbValidKey[]>(meta.getAllKeys()), req<Meta[]>(meta.getAll())]);
    const order = keys.map((k, i) => ({ k, m: metas[i]! })).sort((a, b) => a.m.used - b.m.used);
    let total = order.reduce((a, e) => a + e.m.bytes, 0);
    for (const e of order) {
      if (total <= 0.8 * this.maxBytes) break;
      values.delete(e.k);
      meta.delete(e.k);
      total -= e.m.bytes;
    }
    await done(tx);
    this.total = total;
  }
}
