import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { proposeBatch, batchSizeOf, tpeSettings, SamplerError, type Observation } from '../../../src/core/tuning/sampler.ts';
import { symmetricSpace, asymmetricSpace, toUnit, gridCandidates } from '../../../src/core/tuning/space.ts';
import { deriveSeed } from '../../../src/core/tuning/rng.ts';
import { runStudy } from '../../../src/core/tuning/study.ts';
import type { CandidateParams, SamplerConfig, SearchSpace, StudyDefinition, Dimension } from '../../../src/core/tuning/types.ts';
import { weekdayCalendar } from './synthetic.ts';

const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

function inBounds(space: SearchSpace, p: CandidateParams) {
  for (const d of space.dimensions) {
    const v = p[d.name]!;
    if (d.fixed !== undefined) expect(v).toBe(d.fixed);
    else {
      expect(v).toBeGreaterThanOrEqual(d.low);
      expect(v).toBeLessThanOrEqual(d.high);
    }
  }
}

describe('seed derivation', () => {
  it('deriveSeed separates its parts', () => {
    expect(deriveSeed(1, 'QUAL', 2)).toBe(deriveSeed(1, 'QUAL', 2));
    const seeds = new Set([deriveSeed(1, 'QUAL', 2), deriveSeed(1, 'QUAL', 3), deriveSeed(2, 'QUAL', 2), deriveSeed(1, 'MTUM', 2), deriveSeed('1QUAL', 2), deriveSeed(1, 'QUAL2')]);
    expect(seeds.size).toBe(6);
  });
});

describe('grid and random samplers: deterministic and in bounds (property)', () => {
  const spaces = [symmetricSpace(17), asymmetricSpace(14), asymmetricSpace(14, { maxFeatures: { fixed: 5 } }), symmetricSpace(17, { maxFeatures: { integer: true } })];
  it('random: same seed → same trials whatever the batch layout; within the ranges', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 40 }), (seed, si, n) => {
      const space = spaces[si]!;
      const all = proposeBatch(space, { kind: 'random' }, { seed, factor: 'QUAL', batch: 0, ids: ids(0, n), nTrials: n, history: [] });
      const again = proposeBatch(space, { kind: 'random' }, { seed, factor: 'QUAL', batch: 0, ids: ids(0, n), nTrials: n, history: [] });
      expect(again).toEqual(all);
      // Proposing the second half alone gives the same trials (each trial has its own stream).
      const half = Math.floor(n / 2);
      expect(proposeBatch(space, { kind: 'random' }, { seed, factor: 'QUAL', batch: 3, ids: ids(half, n), nTrials: n, history: [] })).toEqual(all.slice(half));
      all.forEach((p) => inBounds(space, p));
      if (n >= 2) expect(all[0]).not.toEqual(all[1]);
    }), { numRuns: 60 });
  });

  it('random: another seed or factor gives other trials', () => {
    const s = symmetricSpace(17);
    const a = proposeBatch(s, { kind: 'random' }, { seed: 1, factor: 'QUAL', batch: 0, ids: ids(0, 5), nTrials: 5, history: [] });
    expect(proposeBatch(s, { kind: 'random' }, { seed: 2, factor: 'QUAL', batch: 0, ids: ids(0, 5), nTrials: 5, history: [] })).not.toEqual(a);
    expect(proposeBatch(s, { kind: 'random' }, { seed: 1, factor: 'MTUM', batch: 0, ids: ids(0, 5), nTrials: 5, history: [] })).not.toEqual(a);
  });

  it('random: log dimensions are uniform in log λ (median near √1000)', () => {
    const s = symmetricSpace(17);
    const p = proposeBatch(s, { kind: 'random' }, { seed: 9, factor: 'Q', batch: 0, ids: ids(0, 4000), nTrials: 4000, history: [] });
    const logs = p.map((x) => Math.log10(x.jumpPenalty!)).sort((a, b) => a - b);
    // Uniform on [0, 3]: median 1.5, quartiles 0.75 and 2.25; SE of a quantile ≈ 0.024 here.
    expect(logs[2000]).toBeCloseTo(1.5, 1);
    expect(logs[1000]).toBeCloseTo(0.75, 1);
    expect(logs[3000]).toBeCloseTo(2.25, 1);
  });

  it('grid: trial i is grid point i; every point once; in bounds', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 3 }), (k, si) => {
      const space = spaces[si]!;
      const grid = gridCandidates(space, k);
      const cfg: SamplerConfig = { kind: 'grid', pointsPerDimension: k };
      const got = proposeBatch(space, cfg, { seed: 123, factor: 'QUAL', batch: 0, ids: ids(0, grid.length), nTrials: grid.length, history: [] });
      expect(got).toEqual(grid);
      expect(new Set(got.map((p) => JSON.stringify(p))).size).toBe(grid.length);
      got.forEach((p) => inBounds(space, p));
    }), { numRuns: 30 });
    expect(() => proposeBatch(symmetricSpace(5), { kind: 'grid', pointsPerDimension: 2 }, { seed: 1, factor: 'Q', batch: 0, ids: [4], nTrials: 4, history: [] })).toThrow(/beyond the grid/);
  });

  it('batch sizes: TPE its batch, grid/random the whole study; bad TPE settings are refused', () => {
    expect(batchSizeOf({ kind: 'tpe' }, 50)).toBe(8);
    expect(batchSizeOf({ kind: 'tpe', batchSize: 5 }, 50)).toBe(5);
    expect(batchSizeOf({ kind: 'random' }, 50)).toBe(50);
    expect(() => tpeSettings({ kind: 'tpe', gamma: 1.5 })).toThrow(SamplerError);
    expect(() => tpeSettings({ kind: 'tpe', batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('TPE', () => {
  const space = symmetricSpace(17);
  const history = (n: number): Observation[] => {
    const p = proposeBatch(space, { kind: 'random' }, { seed: 5, factor: 'Q', batch: 0, ids: ids(0, n), nTrials: n, history: [] });
    return p.map((params, id) => ({ id, params, score: -Math.abs(Math.log10(params.jumpPenalty!) - 2) - Math.abs(params.maxFeatures! - 4) / 16 }));
  };

  it('is deterministic in (seed, factor, batch, history) and ignores the history order', () => {
    const h = history(20);
    const req = { seed: 3, factor: 'QUAL', batch: 3, ids: ids(24, 32), nTrials: 50, history: h };
    const a = proposeBatch(space, { kind: 'tpe' }, req);
    expect(proposeBatch(space, { kind: 'tpe' }, { ...req, history: [...h].reverse() })).toEqual(a);
    expect(proposeBatch(space, { kind: 'tpe' }, { ...req, batch: 4 })).not.toEqual(a);
    a.forEach((p) => inBounds(space, p));
    expect(new Set(a.map((p) => p.jumpPenalty)).size).toBe(8); // the batch's proposals differ
  });

  it('concentrates proposals near the good region (λ ≈ 100, κ² ≈ 4)', () => {
    const a = proposeBatch(space, { kind: 'tpe' }, { seed: 11, factor: 'Q', batch: 5, ids: ids(0, 64), nTrials: 64, history: history(40) });
    const rnd = proposeBatch(space, { kind: 'random' }, { seed: 11, factor: 'Q', batch: 0, ids: ids(0, 64), nTrials: 64, history: [] });
    const dist = (p: CandidateParams) => Math.abs(Math.log10(p.jumpPenalty!) - 2) + Math.abs(p.maxFeatures! - 4) / 16;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(a.map(dist))).toBeLessThan(0.6 * mean(rnd.map(dist)));
  });

  it('proposes at random until nStartup trials have finished', () => {
    const req = { seed: 3, factor: 'QUAL', batch: 1, ids: ids(8, 16), nTrials: 50, history: history(8) };
    const a = proposeBatch(space, { kind: 'tpe', nStartup: 10 }, req);
    const b = proposeBatch(space, { kind: 'tpe', nStartup: 10 }, { ...req, history: history(9) });
    expect(b).toEqual(a); // still random: the history is not read
    const c = proposeBatch(space, { kind: 'tpe', nStartup: 9 }, { ...req, history: history(9) });
    expect(c).not.toEqual(a);
  });
});

// ---- TPE beats random on a known 2-D function --------------------------------------------------
// Branin (Dixon & Szegő 1978) on x1 ∈ [−5, 10], x2 ∈ [0, 15], min 0.397887 at three points, mapped
// onto the unit square of (log λ, κ²) of the default symmetric space. Each study runs through the
// real study runner: the synthetic path's validation Sharpe is a decreasing function of Branin.
const BRANIN_MIN = 0.397887;
function braninAt(space: SearchSpace, p: CandidateParams): number {
  const [dl, dk] = space.dimensions as [Dimension, Dimension];
  const x1 = -5 + 15 * toUnit(dl, p.jumpPenalty!), x2 = 15 * toUnit(dk, p.maxFeatures!);
  const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

describe('TPE beats random search', () => {
  it('median regret on Branin over 20 seeds, 50 trials: TPE at least 30% lower', async () => {
    const space = symmetricSpace(17);
    const dates = weekdayCalendar('2010-01-04', 260);
    const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return (s[9]! + s[10]!) / 2; };
    const regrets: Record<string, number[]> = { random: [], tpe: [] };
    for (const kind of ['random', 'tpe'] as const) {
      for (let seed = 1; seed <= 20; seed++) {
        const def: StudyDefinition = {
          id: `branin-${kind}-${seed}`, createdAt: '2025-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: space },
          sampler: { kind }, nTrials: 50, seed, selection: { mode: 'static', validation: { start: dates[0]!, end: '2099-01-01' } },
        };
        const state = await runStudy(def, {
          concurrency: 4,
          evaluate: async (params) => {
            // Alternating ±s around m: mean m, so the Sharpe is increasing in m = −Branin.
            const m = -braninAt(space, params) * 1e-4;
            const x = new Float64Array(dates.length);
            for (let i = 0; i < x.length; i++) x[i] = m + (i % 2 ? 0.01 : -0.01);
            return { params, dates, longShort: x };
          },
        });
        expect(state.status).toBe('done');
        expect(state.trials).toHaveLength(50);
        const best = Math.min(...state.trials.map((t) => braninAt(space, t.params)));
        regrets[kind]!.push(best - BRANIN_MIN);
      }
    }
    const r = median(regrets.random!), t = median(regrets.tpe!);
    console.log(`Branin, 50 trials, 20 seeds: median regret random ${r.toFixed(4)}, TPE ${t.toFixed(4)} (${((1 - t / r) * 100).toFixed(0)}% lower)`);
    expect(t).toBeLessThanOrEqual(0.7 * r);
  });
});
