// The pipeline's cache: a map from names (content hashes of a value's inputs, keys.ts) to values.
// Because a name covers everything its value depends on, a cache is safe to drop at any time and
// any front end finds what another computed (conventions.md "Results are values named by their
// inputs"). Implementations: memory (here), IndexedDB (src/storage/regime-cache.ts) and a folder
// (src/cli/dir-cache.ts). A cache never fails a computation: a layer that errors is switched off and
// the value is computed instead.
import { approxBytes } from './codec.ts';

export interface RegimeCache {
  /** Values of `keys`, undefined where absent. A store that can fail is used through FailSafeCache. */
  getMany(keys: readonly string[]): Promise<(unknown | undefined)[]>;
  /** Stores the entries (best effort: a store may drop them, e.g. to stay within its size). */
  putMany(entries: readonly (readonly [string, unknown])[]): Promise<void>;
}

/** An in-memory LRU cache bounded by the approximate bytes of its values. */
export class MemoryCache implements RegimeCache {
  private readonly map = new Map<string, { value: unknown; bytes: number }>();
  private total = 0;
  constructor(readonly maxBytes = 256 * 2 ** 20) {}

  get size(): number { return this.map.size; }
  get bytes(): number { return this.total; }

  get(key: string): unknown | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: unknown): void {
    const old = this.map.get(key);
    if (old) { this.total -= old.bytes; this.map.delete(key); }
    const bytes = approxBytes(value);
    if (bytes > this.maxBytes) return;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    while (this.total > this.maxBytes) {
      const [k, e] = this.map.entries().next().value as [string, { bytes: number }];
      this.map.delete(k);
      this.total -= e.bytes;
    }
  }


  async getMany(keys: readonly string[]): Promise<(unknown | undefined)[]> {
    return keys.map((k) => this.get(k));
  }

  async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const [k, v] of entries) this.set(k, v);
  }
}

/** Caches read in order (a hit in a lower layer is copied into the layers above); writes go to all. */
export class LayeredCache implements RegimeCache {
  constructor(private readonly layers: RegimeCache[]) {}

  async getMany(keys: readonly string[]): Promise<(unknown | undefined)[]> {
    const out: (unknown | undefined)[] = new Array(keys.length).fill(undefined);
    let missing = keys.map((_, i) => i);
    for (let l = 0; l < this.layers.length && missing.length; l++) {
      const got = await this.layers[l]!.getMany(missing.map((i) => keys[i]!));
      const found: [string, unknown][] = [];
      const still: number[] = [];
      missing.forEach((i, j) => {
        if (got[j] !== undefined) { out[i] = got[j]; found.push([keys[i]!, got[j]]); } else still.push(i);
      });
      if (found.length) for (let u = 0; u < l; u++) await this.layers[u]!.putMany(found);
      missing = still;
    }
    return out;
  }

  async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const layer of this.layers) await layer.putMany(entries);
  }
}

/**
 * Wraps a store that may fail (a full disk, a quota, a private mode): the first failure switches it
 * off for the rest of the session and is reported once through `onError`; every call then answers
 * "absent" / does nothing, so a computation goes on uncached and nothing already stored is touched.
 */
export class FailSafeCache implements RegimeCache {
  private off = false;
  constructor(private readonly inner: RegimeCache, private readonly onError?: (err: unknown) => void) {}
  get disabled(): boolean { return this.off; }

  async getMany(keys: readonly string[]): Promise<(unknown | undefined)[]> {
    if (this.off) return keys.map(() => undefined);
    try { return await this.inner.getMany(keys); } catch (e) { this.fail(e); return keys.map(() => undefined); }
  }

  async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    if (this.off) return;
    try { await this.inner.putMany(entries); } catch (e) { this.fail(e); }
  }

  /** Switches the store off (for a failure seen outside a call, e.g. a background write). */
  fail(e: unknown): void {
    if (this.off) return;
    this.off = true;
    this.onError?.(e);
  }
}
