// Names of the pipeline's values: they change when any input they cover changes, and not otherwise.
// In particular (method.md §6, no look-ahead) data after a refit's decision day never changes its name.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { webcrypto } from 'node:crypto';
import { Sha256, sha256Text } from '../../../src/core/pipeline/sha256.ts';
import { decodeValue, encodeValue } from '../../../src/core/pipeline/codec.ts';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import type { Panel } from '../../../src/core/data/panel.ts';
import { defaultConfig, resolveFactorModel, type RunConfig } from '../../../src/core/config.ts';
import { prepareBacktestData } from '../../../src/core/backtest/prepare.ts';
import { buildFactorContextFor } from '../../../src/core/backtest/index.ts';
import { chainKeys } from '../../../src/core/backtest/regimePath.ts';
import { taskKey } from '../../../src/core/pipeline/engine.ts';

async function webSha(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('SHA-256', () => {
  it('matches Web Crypto on the FIPS 180-4 examples and on random byte strings fed in random pieces', async () => {
    expect(sha256Text('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Text('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 5 }), async (bytes, cuts) => {
      const h = new Sha256();
      let at = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) { const e = Math.min(c, bytes.length); h.update(bytes.subarray(at, Math.max(at, e))); at = Math.max(at, e); }
      h.update(bytes.subarray(at));
      expect(h.digestHex()).toBe(await webSha(bytes));
    }), { numRuns: 200 });
  });

  it('reads a prefix digest without ending the stream', async () => {
    const a = new TextEncoder().encode('x'.repeat(100));
    const h = new Sha256().update(a.subarray(0, 70));
    expect(h.digestHex()).toBe(await webSha(a.subarray(0, 70)));
    h.update(a.subarray(70));
    expect(h.digestHex()).toBe(await webSha(a));
  });
});

describe('value encoding', () => {
  it('round-trips typed arrays, NaN, ±Infinity, −0, undefined and $-keys bit for bit', () => {
    const v = { a: Float64Array.from([1.5, NaN, -0, Infinity]), b: Int8Array.from([-1, 0, 1]), c: Int32Array.from([7, -8]),
      n: [NaN, -Infinity, -0, 0.1 + 0.2, null, 'x'], u: undefined, $weird: { $n: 'not a marker' }, nested: { deep: [Float64Array.from([2])] } };
    const back = decodeValue(encodeValue(v)) as typeof v;
    expect(Array.from(back.a)).toEqual([1.5, NaN, -0, Infinity]);
    expect(Object.is(back.a[2], -0)).toBe(true);
    expect(back.b).toBeInstanceOf(Int8Array);
    expect(Array.from(back.b)).toEqual([-1, 0, 1]);
    expect(Array.from(back.c)).toEqual([7, -8]);
    expect(back.n[0]).toBeNaN();
    expect(back.n[1]).toBe(-Infinity);
    expect(Object.is(back.n[2], -0)).toBe(true);
    expect(back.n[3]).toBe(0.1 + 0.2);
    expect(back.n.slice(4)).toEqual([null, 'x']);
    expect('u' in back && back.u === undefined).toBe(true);
    expect(back.$weird).toEqual({ $n: 'not a marker' });
    expect(Array.from(back.nested.deep[0]!)).toEqual([2]);
    expect(() => decodeValue(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/bad header/);
  });
});

describe('refit and chain names', () => {
  const panel = generateDemoPanel(3, { start: '2006-01-01', end: '2014-12-31' });
  const config: RunConfig = { ...defaultConfig(), trainMinYears: 4, trainMaxYears: 6 };
  const namesOf = (p: Panel, c: RunConfig = config, f = 0, kind: 'symmetric' | 'asymmetric' = 'symmetric') => {
    const data = prepareBacktestData(p, c);
    const ctx = buildFactorContextFor(data, c, f);
    const setting = resolveFactorModel(c, ctx.ticker, kind);
    return { ctx, data, ...chainKeys(ctx, setting, f, ctx.refits.length) };
  };
  const base = namesOf(panel);

  function perturbFrom(p: Panel, day: number, scale: number): Panel {
    return { dates: p.dates, series: p.series.map((s) => ({ ...s, values: s.values.map((v, t) => (t >= day ? (s.kind === 'price' ? v * scale : v + scale) : v)) })) };
  }

  it('data from a refit\'s decision day on never changes its name; data before it always does', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: base.ctx.refits.length - 1 }), fc.double({ min: 1.01, max: 1.5, noNaN: true }), (r, scale) => {
      const day = base.ctx.refits[r]!.day;
      const after = namesOf(perturbFrom(panel, day, scale));
      expect(after.refits.slice(0, r + 1)).toEqual(base.refits.slice(0, r + 1));
      expect(after.refits[r + 1] === undefined || after.refits[r + 1] !== base.refits[r + 1]).toBe(true);
      expect(after.chain).not.toBe(base.chain);
      // One day earlier (the previous close is training data of refit r).
      const before = namesOf(perturbFrom(panel, day - 1, scale));
      expect(before.refits.slice(0, r)).toEqual(base.refits.slice(0, r));
      expect(before.refits[r]).not.toBe(base.refits[r]);
    }), { numRuns: 8 });
  });

  it('model settings change every name; allocation and execution settings change none', () => {
    for (const edit of [
      (c: RunConfig) => { c.model.jumpPenalty = 51; }, (c: RunConfig) => { c.model.maxFeatures = 9; },
      (c: RunConfig) => { c.model.nInit = 9; }, (c: RunConfig) => { c.model.seed = 1; }, (c: RunConfig) => { c.model.model = 'jm'; },
      (c: RunConfig) => { c.factors[0]!.jumpPenalty = 10; },
    ]) {
      const c = structuredClone(config); edit(c);
      const n = namesOf(panel, c);
      expect(n.refits[0]).not.toBe(base.refits[0]);
      expect(n.chain).not.toBe(base.chain);
    }
    for (const edit of [
      (c: RunConfig) => { c.trackingErrorTarget = 0.03; }, (c: RunConfig) => { c.costBps = 1; }, (c: RunConfig) => { c.tau = 0.2; },
      (c: RunConfig) => { c.riskAversion = 1; }, (c: RunConfig) => { c.covarianceHalflife = 50; }, (c: RunConfig) => { c.riskFreeRate = 0.02; },
      (c: RunConfig) => { c.benchmarkRebalance = 'never'; }, (c: RunConfig) => { c.longShortScale = 0.2; },
      (c: RunConfig) => { c.factors[1]!.jumpPenalty = 10; }, // another factor's setting
    ]) {
      const c = structuredClone(config); edit(c);
      const n = namesOf(panel, c);
      expect(n.refits).toEqual(base.refits);
      expect(n.chain).toBe(base.chain);
    }
    // The asymmetric strategy, another factor, another window: other names.
    expect(namesOf(panel, config, 0, 'asymmetric').refits[0]).not.toBe(base.refits[0]);
    expect(namesOf(panel, config, 1).refits[0]).not.toBe(base.refits[0]);
    expect(namesOf(panel, { ...config, trainMaxYears: 7 }).refits.at(-1)).not.toBe(base.refits.at(-1));
  });

  it('a task\'s name covers its factor\'s settings, not the allocation', () => {
    const t = { dataKey: 'd', config, factorIndex: 0, strategy: 'symmetric' as const };
    const k = taskKey(t);
    expect(taskKey({ ...t, config: { ...config, trackingErrorTarget: 0.03 } })).toBe(k);
    expect(taskKey({ ...t, config: { ...config, model: { ...config.model, jumpPenalty: 3 } } })).not.toBe(k);
    expect(taskKey({ ...t, candidate: { jumpPenalty: 3, maxFeatures: 2 } })).not.toBe(k);
    expect(taskKey({ ...t, dataKey: 'e' })).not.toBe(k);
    expect(taskKey({ ...t, strategy: 'asymmetric' })).not.toBe(k);
    expect(taskKey({ ...t, config: { ...config, universe: 'longShort' } })).not.toBe(k);
    expect(taskKey({ ...t, config: { ...config, riskFree: 'RF' } })).not.toBe(k);
    expect(taskKey({ ...t, config: { ...config, startDate: '2007-01-02' } })).not.toBe(k);
    expect(taskKey({ ...t, config: { ...config, noTradeBand: 0.01, tradePenalty: 0.001, rebalance: 'weekly' } })).toBe(k);
  });
});
