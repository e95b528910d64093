// Stored backtest runs (src/storage/runs.ts) over fake-indexeddb: get/put round trip, only the
// most recent runs are kept, and the backtest worker's short-lived store leaves no connection open
// (a database deletion, "Delete everything stored", must not wait for a running backtest).
import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { RunStore, runKey, parseRunKey, shortLivedStore, MAX_STORED_RUNS } from '../../../src/storage/runs.ts';
import type { BacktestResult } from '../../../src/core/backtest/index.ts';
import type { BrowserGlobals } from '../../../src/storage/dom.d.ts';

let n = 0;
const dbName = () => `helix-runs-test-${process.pid}-${++n}`;
const fakeResult = (i: number) => ({ version: 1, dates: ['2020-01-02'], marker: i, weights: [[0.5, 0.5]] }) as unknown as BacktestResult;

function deleteDb(name: string): Promise<'deleted' | 'blocked'> {
  const g = globalThis as unknown as BrowserGlobals;
  return new Promise((resolve, reject) => {
    const req = g.indexedDB!.deleteDatabase(name);
    req.onsuccess = () => resolve('deleted');
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve('blocked');
  });
}

describe('RunStore', () => {
  it('round-trips a run by its key, and misses other keys', async () => {
    const store = new RunStore(shortLivedStore(dbName()));
    const key = runKey('backtest.worker-abc.js', '{"version":1}');
    expect(key).toBe('backtest.worker-abc.js\n{"version":1}');
    await store.put(key, fakeResult(1), 1000);
    const got = await store.get(key);
    expect(got?.savedAt).toBe(1000);
    expect((got?.result as unknown as { marker: number }).marker).toBe(1);
    expect(await store.get(runKey('backtest.worker-other.js', '{"version":1}'))).toBeUndefined();
  });

  it(`keeps the ${MAX_STORED_RUNS} most recent runs`, async () => {
    const store = new RunStore(shortLivedStore(dbName()));
    for (let i = 0; i < MAX_STORED_RUNS + 3; i++) await store.put(`k${i}`, fakeResult(i), i);
    expect(await store.keys()).toEqual(Array.from({ length: MAX_STORED_RUNS }, (_, j) => `k${j + 3}`));
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get(`k${MAX_STORED_RUNS + 2}`)).toBeDefined();
    // Saving a run again moves it to the most recent.
    await store.put('k3', fakeResult(3), 99);
    expect((await store.keys()).at(-1)).toBe('k3');
  });

  it('lists the stored runs (key, time and configuration) without reading them; an older key gives back its configuration', async () => {
    const store = new RunStore(shortLivedStore(dbName()));
    expect(await store.list()).toEqual([]);
    const a = runKey('backtest.worker-abc.js', '{"version":1,"costBps":5}');
    await store.put(a, fakeResult(1), 1000);
    await store.put('k2', fakeResult(2), 2000);
    // Without a configuration in the result (these fakes), the key's own is listed; or none.
    expect(await store.list()).toEqual([{ key: a, savedAt: 1000, config: { version: 1, costBps: 5 } }, { key: 'k2', savedAt: 2000, config: null }]);
    const withConfig = { ...fakeResult(3), config: { version: 1, costBps: 7 } } as unknown as BacktestResult;
    await store.put('k3', withConfig, 3000);
    expect((await store.list()).at(-1)).toEqual({ key: 'k3', savedAt: 3000, config: { version: 1, costBps: 7 } });
    expect(parseRunKey(a)).toEqual({ build: 'backtest.worker-abc.js', config: { version: 1, costBps: 5 } });
    expect(parseRunKey('k2')).toBeNull();
    expect(parseRunKey('b\n{not json')).toBeNull();
  });

  it('the short-lived store closes its connection after each operation', async () => {
    const name = dbName();
    const g = globalThis as unknown as BrowserGlobals;
    const factory = g.indexedDB!;
    const realOpen = factory.open.bind(factory);
    let opened = 0, closed = 0;
    // Count connections opened and closed by the store itself (not by a versionchange).
    factory.open = ((n: string, v?: number) => {
      const req = realOpen(n, v);
      req.addEventListener('success', () => {
        opened++;
        const db = req.result;
        const close = db.close.bind(db);
        db.close = () => { closed++; close(); };
      });
      return req;
    }) as typeof factory.open;
    try {
      const store = new RunStore(shortLivedStore(name));
      await store.put('a', fakeResult(0));
      await store.get('a');
      await store.keys();
    } finally {
      factory.open = realOpen as typeof factory.open;
    }
    expect(opened).toBeGreaterThanOrEqual(5); // put = 4 operations, then get and keys
    expect(closed).toBe(opened);
    expect(await deleteDb(name)).toBe('deleted');
  });
});
