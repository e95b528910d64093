// The browser's regime cache (src/storage/regime-cache.ts) over fake-indexeddb: values round-trip
// with their typed arrays, writes are queued and committed together, reads see queued values, the
// store stays within its size by dropping the least recently used entries, and a failing store is
// switched off without an error reaching the computation.
import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { IdbRegimeCache } from '../../../src/storage/regime-cache.ts';
import { FailSafeCache } from '../../../src/core/pipeline/cache.ts';

let n = 0;
const dbName = () => `helix-cache-test-${n++}`;

describe('IndexedDB regime cache', () => {
  it('round-trips values, typed arrays included; a queued value is read before it is written', async () => {
    const name = dbName();
    const a = new IdbRegimeCache(10 * 2 ** 20, name);
    const v = { labels: Int8Array.from([0, 1, -1]), mu: Float64Array.from([NaN, 0.5, -0]), refits: [{ day: 3 }] };
    await a.putMany([['chain:x', v]]);
    expect(await a.getMany(['chain:x', 'chain:y'])).toEqual([v, undefined]); // from the queue
    await a.flush();
    const b = new IdbRegimeCache(10 * 2 ** 20, name); // another worker
    const [got] = await b.getMany(['chain:x']) as [typeof v];
    expect(got.labels).toBeInstanceOf(Int8Array);
    expect(Array.from(got.labels)).toEqual([0, 1, -1]);
    expect(got.mu[0]).toBeNaN();
    expect(Object.is(got.mu[2], -0)).toBe(true);
  });

  it('keeps within its size, dropping the least recently used entries first', async () => {
    const name = dbName();
    const big = () => new Float64Array(10_000); // ~80 KB each
    const c = new IdbRegimeCache(500_000, name);
    for (let i = 0; i < 4; i++) await c.putMany([[`k${i}`, big()]]);
    await c.flush();
    await c.getMany(['k0']); // k0 is used again: k1 is now the oldest
    await c.flush();
    for (let i = 4; i < 8; i++) await c.putMany([[`k${i}`, big()]]);
    await c.flush();
    const fresh = new IdbRegimeCache(500_000, name);
    const got = await fresh.getMany(Array.from({ length: 8 }, (_, i) => `k${i}`));
    const kept = got.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
    expect(kept.length).toBeLessThanOrEqual(5);
    expect(kept).toContain(7);
    expect(kept).not.toContain(1);
  });

  it('a failing store only switches caching off', async () => {
    const broken = new IdbRegimeCache(10, dbName());
    (broken as unknown as { open: () => Promise<never> }).open = () => Promise.reject(new Error('QuotaExceededError'));
    const errors: unknown[] = [];
    const safe = new FailSafeCache(broken, (e) => errors.push(e));
    broken.onError = (e) => safe.fail(e);
    await safe.putMany([['a', 1]]);
    await expect(broken.flush()).rejects.toThrow(/Quota/);
    safe.fail(new Error('QuotaExceededError'));
    expect(safe.disabled).toBe(true);
    expect(await safe.getMany(['a'])).toEqual([undefined]);
    expect(errors).toHaveLength(1);
  });
});
