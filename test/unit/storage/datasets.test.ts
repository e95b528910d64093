// Data set storage in node over fake-indexeddb (Storage tests). The same code runs on the
// browser's real IndexedDB in test/e2e/data.e2e.ts.
import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { UseStore } from 'idb-keyval';
import type { BrowserGlobals, IdbValidKey } from '../../../src/storage/dom.d.ts';
import type { AssetRole, Panel } from '../../../src/core/data/panel.ts';
import { createKeyvalStore, deleteAllDatabases, getStore, STORE_DATABASES } from '../../../src/storage/db.ts';
import { DatasetStore, summariseDataset, cleanName, MAX_NAME_LENGTH, type DatasetMeta } from '../../../src/storage/datasets.ts';
import { StorageError, toStorageError, isQuotaError } from '../../../src/storage/errors.ts';
import { SettingsStore } from '../../../src/storage/settings.ts';

let dbCounter = 0;
/** A fresh, empty store per test: its own database, so tests never see each other's data. */
function freshStore(): UseStore {
  return createKeyvalStore(`helix-test-${process.pid}-${++dbCounter}`);
}

function makePanel(seed: number, tickers = ['SPY', 'QUAL', 'VIX'], days = 30): Panel {
  const dates: string[] = [];
  for (let i = 0; i < days; i++) dates.push(new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));
  return {
    dates,
    series: tickers.map((ticker, k) => {
      const values = new Float64Array(days);
      for (let i = 0; i < days; i++) values[i] = 100 + seed + k * 10 + Math.sin(i + seed) ;
      const isEnv = ticker === 'VIX';
      const role: AssetRole = isEnv ? 'environment' : ticker === 'SPY' ? 'market' : 'factor';
      return { ticker, role, kind: isEnv ? 'level' as const : 'price' as const, values };
    }),
  };
}

function hashOf(panel: Panel): string {
  const h = createHash('sha256');
  h.update(panel.dates.join(','));
  for (const s of panel.series) { h.update(s.ticker); h.update(new Uint8Array(s.values.buffer)); }
  return h.digest('hex');
}

function newDataset(seed: number, name = `Set ${seed}`, tickers?: string[]) {
  const panel = makePanel(seed, tickers);
  return { id: hashOf(panel), name, simulated: false, panel, summary: summariseDataset(panel) };
}

/** Every key in the store, raw: to check that no orphan panel or index entry was left behind. */
async function rawKeys(store: UseStore): Promise<string[]> {
  return store('readonly', (s) => new Promise<string[]>((res, rej) => {
    const r = s.getAllKeys();
    r.onsuccess = () => res((r.result as IdbValidKey[]).map((k) => JSON.stringify(k)).sort());
    r.onerror = () => rej(r.error);
  }));
}

type Fault = 'throw-on-index-put' | 'abort-after-index-put' | 'throw-on-panel-put';
/**
 * Wraps a store so the next readwrite transaction fails the way a full disk does: either a put
 * throws (QuotaExceededError) or the transaction aborts after both puts were queued.
 */
function failingStore(inner: UseStore, fault: Fault): UseStore {
  return (mode, callback) => inner(mode, (store) => {
    const proxy = new Proxy(store, {
      get(target, prop) {
        if (prop === 'put') {
          return (value: unknown, key: IdbValidKey) => {
            const isIndex = Array.isArray(key) && key[0] === 'meta';
            if (fault === 'throw-on-index-put' && isIndex) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            if (fault === 'throw-on-panel-put' && !isIndex) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            const r = target.put(value, key);
            if (fault === 'abort-after-index-put' && isIndex) target.transaction.abort();
            return r;
          };
        }
        const v = (target as unknown as Record<PropertyKey, unknown>)[prop];
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return callback(proxy);
  });
}

describe('DatasetStore on fake-indexeddb', () => {
  it('saves, lists metadata only, and gets the panel back bit for bit', async () => {
    const store = new DatasetStore(freshStore());
    const a = newDataset(1, 'My ETFs');
    const { meta, existed } = await store.save(a);
    expect(existed).toBe(false);
    expect(meta.name).toBe('My ETFs');
    expect(meta.roles).toEqual({ SPY: 'market', QUAL: 'factor', VIX: 'environment' });

    const list = await store.list();
    expect(list).toHaveLength(1);
    expect(list[0].id).toBe(a.id);
    expect('panel' in list[0]).toBe(false); // listing never loads the big record
    expect(list[0].summary.tickers).toEqual(['SPY', 'QUAL', 'VIX']);
    expect(list[0].summary.firstDate).toBe('2020-01-01');
    expect(list[0].summary.lastDate).toBe('2020-01-30');

    const got = await store.get(a.id);
    expect(got).toBeDefined();
    expect(got!.panel.dates).toEqual(a.panel.dates);
    for (let k = 0; k < a.panel.series.length; k++) {
      const s = got!.panel.series[k];
      expect(s.values).toBeInstanceOf(Float64Array);
      expect(Array.from(s.values)).toEqual(Array.from(a.panel.series[k].values)); // exact, no tolerance
    }
    expect(await store.get('0'.repeat(64))).toBeUndefined();
  });

  it('stores the same content once: a second save returns the stored one untouched', async () => {
    const store = new DatasetStore(freshStore());
    const a = newDataset(2, 'First name');
    await store.save(a);
    const again = await store.save({ ...a, name: 'Other name' });
    expect(again.existed).toBe(true);
    expect(again.meta.name).toBe('First name');
    expect(await store.list()).toHaveLength(1);
  });

  it('lists oldest first and keeps the simulated flag', async () => {
    const store = new DatasetStore(freshStore());
    await store.save({ ...newDataset(3, 'later'), createdAt: 2000 });
    await store.save({ ...newDataset(4, 'demo'), simulated: true, createdAt: 1000 });
    const list = await store.list();
    expect(list.map((m) => m.name)).toEqual(['demo', 'later']);
    expect(list.map((m) => m.simulated)).toEqual([true, false]);
  });

  it('renames, refusing empty names and missing data sets with plain messages', async () => {
    const store = new DatasetStore(freshStore());
    const a = newDataset(5);
    await store.save(a);
    const m = await store.rename(a.id, '  New\tname \n ');
    expect(m.name).toBe('New name');
    expect((await store.list())[0].name).toBe('New name');

    await expect(store.rename(a.id, '   ')).rejects.toThrow(/name is empty.*Type a name/);
    const missing = store.rename('f'.repeat(64), 'x');
    await expect(missing).rejects.toBeInstanceOf(StorageError);
    await expect(missing).rejects.toThrow(/no data set with id ffffffffffff.*Reload the page/);
    expect((await store.list())[0].name).toBe('New name');
  });

  it('sets roles, applies them on get, and refuses unknown roles or tickers without changing anything', async () => {
    const store = new DatasetStore(freshStore());
    const a = newDataset(6);
    await store.save(a);
    await store.setRoles(a.id, { QUAL: 'unused', VIX: 'unused' });
    const got = await store.get(a.id);
    expect(got!.panel.series.map((s) => s.role)).toEqual(['market', 'unused', 'unused']);
    expect(got!.roles).toEqual({ SPY: 'market', QUAL: 'unused', VIX: 'unused' });

    await expect(store.setRoles(a.id, { QUAL: 'boss' as AssetRole })).rejects.toThrow(/“boss” is not a role.*Choose one of market, factor, longShort, riskFree, environment, unused/);
    await expect(store.setRoles(a.id, { QUAL: 'factor', NOPE: 'factor' })).rejects.toThrow(/has no ticker NOPE/);
    // The refused call changed nothing, not even the valid part of it.
    expect((await store.getMeta(a.id))!.roles).toEqual({ SPY: 'market', QUAL: 'unused', VIX: 'unused' });
  });

  it('deletes the index entry and the panel together', async () => {
    const raw = freshStore();
    const store = new DatasetStore(raw);
    const a = newDataset(7), b = newDataset(8);
    await store.save(a);
    await store.save(b);
    await store.remove(a.id);
    expect((await store.list()).map((m) => m.id)).toEqual([b.id]);
    expect(await store.get(a.id)).toBeUndefined();
    expect(await rawKeys(raw)).toEqual([JSON.stringify(['meta', b.id]), JSON.stringify(['panel', b.id])].sort());
    await store.remove(a.id); // deleting again is a no-op, not an error
  });

  it('truncates very long names and strips control characters', () => {
    expect(cleanName('a\u0000b')).toBe('a b');
    expect(cleanName('x'.repeat(500))).toHaveLength(MAX_NAME_LENGTH);
  });

  it('refuses an id that is not a content hash', async () => {
    const store = new DatasetStore(freshStore());
    await expect(store.save({ ...newDataset(9), id: 'x' })).rejects.toThrow(/not a content hash/);
  });
});

describe('a failed write leaves the previous state intact', () => {
  for (const fault of ['throw-on-index-put', 'abort-after-index-put', 'throw-on-panel-put'] as const) {
    it(`save with ${fault}`, async () => {
      const raw = freshStore();
      const good = new DatasetStore(raw);
      const before = newDataset(10, 'Kept');
      await good.save(before);
      const keysBefore = await rawKeys(raw);
      const listBefore = await good.list();

      const bad = new DatasetStore(failingStore(raw, fault));
      const err = await bad.save(newDataset(11, 'Doomed')).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      const se = err as StorageError;
      expect(se.what).toBe('Saving data set “Doomed”');
      expect(se.where).toContain('helix-datasets');
      if (fault !== 'abort-after-index-put') {
        expect(se.message).toMatch(/storage space the browser allows this site is full/);
        expect(se.action).toMatch(/Delete data sets you no longer need/);
      } else {
        expect(se.message).toMatch(/aborted the write/);
      }
      expect(se.action).toContain('Nothing was changed');

      // Nothing of the doomed data set was kept: no orphan panel, no index entry.
      expect(await rawKeys(raw)).toEqual(keysBefore);
      expect(await good.list()).toEqual(listBefore);
      const kept = await good.get(before.id);
      expect(Array.from(kept!.panel.series[0].values)).toEqual(Array.from(before.panel.series[0].values));
    });
  }

  it('rename and setRoles that fail leave the old metadata', async () => {
    const raw = freshStore();
    const good = new DatasetStore(raw);
    const a = newDataset(12, 'Original');
    await good.save(a);
    const bad = new DatasetStore(failingStore(raw, 'throw-on-index-put'));
    await expect(bad.rename(a.id, 'Changed')).rejects.toBeInstanceOf(StorageError);
    await expect(bad.setRoles(a.id, { QUAL: 'unused' })).rejects.toThrow(/is full/);
    const m = await good.getMeta(a.id);
    expect(m!.name).toBe('Original');
    expect(m!.roles.QUAL).toBe('factor');
  });

  it('a database that cannot be opened gives a plain message, not a DOMException', async () => {
    const broken: UseStore = () => Promise.reject(new DOMException('Internal error opening backing store', 'UnknownError'));
    const store = new DatasetStore(broken);
    const err = await store.list().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toBe(
      'Listing the stored data sets failed: the browser could not open its database (UnknownError: Internal error opening backing store) ' +
      '(this browser\'s storage for this site (IndexedDB database “helix-datasets”)). Reload the page; if it keeps happening, the browser may be in private mode or low on disk space. Nothing was changed.');
  });
});

describe('storage errors', () => {
  it('recognises quota errors from every browser family', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new Error('x'))).toBe(false);
  });

  it('maps each IndexedDB failure to what, where and what to do', () => {
    const cases: [unknown, RegExp][] = [
      [new DOMException('v', 'VersionError'), /newer version of Helix.*Reload this page/],
      [new DOMException('c', 'DataCloneError'), /could not be stored as is.*bug in Helix/],
      [null, /aborted the write/],
      ['weird', /weird.*Reload the page and try again/],
    ];
    for (const [e, re] of cases) {
      const se = toStorageError(e, 'Doing X', 'db-y');
      expect(se.message).toMatch(/^Doing X failed: /);
      expect(se.message).toContain('db-y');
      expect(se.message).toMatch(re);
    }
    const se = new StorageError('a', 'b', 'c', 'd');
    expect(toStorageError(se, 'other', 'other')).toBe(se);
  });
});

describe('model-based: any sequence of operations matches a plain Map', () => {
  type Op =
    | { kind: 'save'; seed: number; name: string }
    | { kind: 'rename'; pick: number; name: string }
    | { kind: 'remove'; pick: number }
    | { kind: 'role'; pick: number; role: AssetRole };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('save' as const), seed: fc.integer({ min: 0, max: 5 }), name: fc.string({ minLength: 1, maxLength: 12 }) }),
    fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), name: fc.string({ maxLength: 12 }) }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('role' as const), pick: fc.nat(), role: fc.constantFrom<AssetRole>('market', 'factor', 'environment', 'unused') }),
  );

  it('list() always equals the model after each operation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), async (ops) => {
        const store = new DatasetStore(freshStore());
        const model = new Map<string, { name: string; qualRole: AssetRole }>();
        let clock = 0;
        for (const op of ops) {
          const ids = [...model.keys()];
          if (op.kind === 'save') {
            const d = newDataset(op.seed, op.name);
            const r = await store.save({ ...d, createdAt: ++clock });
            if (!model.has(d.id)) model.set(d.id, { name: cleanName(op.name) || 'Untitled data set', qualRole: 'factor' });
            expect(r.existed).toBe(ids.includes(d.id));
          } else if (ids.length === 0) {
            continue;
          } else {
            const id = ids[op.pick % ids.length];
            if (op.kind === 'rename') {
              const clean = cleanName(op.name);
              if (!clean) await expect(store.rename(id, op.name)).rejects.toBeInstanceOf(StorageError);
              else { await store.rename(id, op.name); model.get(id)!.name = clean; }
            } else if (op.kind === 'remove') {
              await store.remove(id);
              model.delete(id);
            } else {
              await store.setRoles(id, { QUAL: op.role });
              model.get(id)!.qualRole = op.role;
            }
          }
          const list: DatasetMeta[] = await store.list();
          expect(new Map(list.map((m) => [m.id, { name: m.name, qualRole: m.roles.QUAL }]))).toEqual(model);
        }
      }),
      { numRuns: 40, seed: 20251122 },
    );
  });
});

describe('settings and housekeeping', () => {
  it('round-trips settings', async () => {
    const s = new SettingsStore(freshStore());
    expect(await s.get('selectedDatasetId')).toBeUndefined();
    await s.set('selectedDatasetId', 'abc');
    await s.set('priceChartLog', true);
    expect(await s.get('selectedDatasetId')).toBe('abc');
    expect(await s.get('priceChartLog')).toBe(true);
    await s.delete('selectedDatasetId');
    expect(await s.get('selectedDatasetId')).toBeUndefined();
  });

  it('deleteAllDatabases empties the app stores even while their connections are open', async () => {
    const store = new DatasetStore(getStore('datasets'));
    const settings = new SettingsStore(getStore('settings'));
    await store.save(newDataset(20));
    await settings.set('selectedDatasetId', 'x');
    await deleteAllDatabases();
    expect(await store.list()).toEqual([]); // the connection reopens on the next call
    expect(await settings.get('selectedDatasetId')).toBeUndefined();
    const idb = (globalThis as unknown as BrowserGlobals).indexedDB!;
    const names = (await idb.databases()).map((d: { name?: string }) => d.name);
    expect(names.filter((n: string | undefined) => n === STORE_DATABASES.datasets)).toHaveLength(1); // recreated by list()
  });
});
