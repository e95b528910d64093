// The candidate evaluator (src/core/tuning/evaluate.ts) and applying a selection to a configuration
// (src/core/tuning/apply.ts). Reference: the walk-forward backtest itself (src/core/backtest) — a
// candidate's path must be *bit-identical* to the factor path runBacktest computes for the same
// parameters (method.md §6-§7), and a configuration written from a selection must make the backtest
// use exactly the chosen parameters.
import { describe, it, expect } from 'vitest';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import { defaultConfig, resolveFactorModel, validateConfig, type RunConfig, type StrategyKind } from '../../../src/core/config.ts';
import { runBacktest, type BacktestResult } from '../../../src/core/backtest/index.ts';
import { Engine } from '../../../src/core/pipeline/engine.ts';
import {
  buildTuningContext, candidateModel, evaluateCandidate, CandidateError, tuningConfigKey,
} from '../../../src/core/tuning/evaluate.ts';
import { applySelection, applyStudy, ApplyError } from '../../../src/core/tuning/apply.ts';
import { runStudy } from '../../../src/core/tuning/study.ts';
import { candidatesFromStudy, selectRolling, type RollingSelection, type StaticSelection } from '../../../src/core/tuning/select.ts';
import { symmetricSpace } from '../../../src/core/tuning/space.ts';
import type { CandidateParams, StudyDefinition } from '../../../src/core/tuning/types.ts';

// A short demo history (7 years) with a 3-year minimum window and monthly refits: ~45 refits per path.
const panel = generateDemoPanel(7, { start: '2010-01-01', end: '2016-12-31' });
const DATA_KEY = 'demo-7-2010-2016';

function baseConfig(): RunConfig {
  const c = defaultConfig();
  c.factors = [
    { ticker: 'QUAL', jumpPenalty: 30, maxFeatures: 5, jumpPenaltyEnter: 20, jumpPenaltyExit: 90 },
    { ticker: 'MTUM', jumpPenalty: 80, maxFeatures: 7, jumpPenaltyEnter: 60, jumpPenaltyExit: 15 },
  ];
  c.trainMinYears = 3; c.trainMaxYears = 5;
  c.model.nInit = 2;
  const r = validateConfig(c);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const paramsOf = (c: RunConfig, ticker: string, kind: StrategyKind): CandidateParams => {
  const f = c.factors.find((x) => x.ticker === ticker)!;
  return kind === 'symmetric'
    ? { jumpPenalty: f.jumpPenalty!, maxFeatures: f.maxFeatures! }
    : { jumpPenaltyEnter: f.jumpPenaltyEnter!, jumpPenaltyExit: f.jumpPenaltyExit!, maxFeatures: f.maxFeatures! };
};

/** result series (null = missing) → comparable numbers (NaN = missing). */
const fromSeries = (s: (number | null)[]) => s.map((v) => (v === null ? NaN : v));

/** Asserts x[w0 + i] is bit-identical to the backtest's series value i (null ↔ NaN). */
function expectSameSeries(x: ArrayLike<number>, w0: number, series: (number | null)[]) {
  const want = fromSeries(series);
  expect(x.length - w0).toBe(want.length);
  let compared = 0;
  for (let i = 0; i < want.length; i++) {
    const a = x[w0 + i]!, b = want[i]!;
    if (!Object.is(a, b)) throw new Error(`day ${i}: evaluator ${a} ≠ backtest ${b}`);
    if (b === b) compared++;
  }
  expect(compared).toBeGreaterThan(500); // the comparison covered real out-of-sample days
}

describe('candidate evaluator: the backtest\'s own factor path', () => {
  const config = baseConfig();
  const result: BacktestResult = runBacktest(panel, config);

  for (const [f, ticker] of ['QUAL', 'MTUM'].entries()) {
    for (const kind of ['symmetric', 'asymmetric'] as const) {
      it(`${ticker} ${kind}: long-short, labels and refit dates equal runBacktest's bit for bit`, () => {
        const ctx = buildTuningContext(panel, config, ticker);
        expect(ctx.factorIndex).toBe(f);
        const path = evaluateCandidate(ctx, paramsOf(config, ticker, kind), { strategy: kind });
        const w0 = ctx.dates.indexOf(result.dates[0]!);
        expect(w0).toBeGreaterThan(0);
        expect(path.dates.slice(w0)).toEqual(result.dates);
        const reg = result.factors[f]!.regimes[kind]!;
        expectSameSeries(path.longShort, w0, reg.longShort);
        expectSameSeries(Float64Array.from(path.labels!, (v) => (v < 0 ? NaN : v)), w0, reg.labels);
        expect(path.refitDates).toEqual(reg.refits.map((r) => r.date));
        // Nothing before the first out-of-sample day (first refit + 2, method.md §6).
        let first = 0;
        while (Number.isNaN(path.longShort[first]!)) first++;
        expect(first).toBe(ctx.firstOutOfSample);
        expect(ctx.dates[ctx.firstOutOfSample - 2]).toBe(ctx.refitDates[0]);
      });
    }
  }

  it('a different candidate gives a different path (the comparison above can fail)', () => {
    const ctx = buildTuningContext(panel, config, 'QUAL');
    const a = evaluateCandidate(ctx, { jumpPenalty: 30, maxFeatures: 5 }, { strategy: 'symmetric' });
    const b = evaluateCandidate(ctx, { jumpPenalty: 2, maxFeatures: 12 }, { strategy: 'symmetric' });
    let differ = 0;
    for (let t = 0; t < a.longShort.length; t++) if (!Object.is(a.longShort[t], b.longShort[t])) differ++;
    expect(differ).toBeGreaterThan(50);
  });
});

describe('candidate model', () => {
  it('equals resolveFactorModel for a configuration holding the same values', () => {
    const config = baseConfig();
    for (const ticker of ['QUAL', 'MTUM']) {
      for (const kind of ['symmetric', 'asymmetric'] as const) {
        const m = candidateModel(config, ticker, kind, paramsOf(config, ticker, kind));
        const r = resolveFactorModel(config, ticker, kind);
        expect({ ...m, penaltyMatrix: Array.from(m.penaltyMatrix) }).toEqual({
          model: r.model, k: r.k, maxFeatures: r.maxFeatures, nInit: r.nInit, seed: r.seed, jumpPenalty: r.jumpPenalty, penaltyMatrix: Array.from(r.penaltyMatrix),
        });
      }
    }
    // Asymmetric Λ[bull, bear] = enter, Λ[bear, bull] = exit (method.md §3, K = 2).
    expect(Array.from(candidateModel(config, 'QUAL', 'asymmetric', { jumpPenaltyEnter: 7, jumpPenaltyExit: 70 }).penaltyMatrix)).toEqual([0, 7, 70, 0]);
  });

  it('caps κ² at the feature count and takes the factor\'s κ² when an asymmetric candidate has none', () => {
    const c = baseConfig();
    c.useEnvironment = false; // D = 14
    expect(candidateModel(c, 'QUAL', 'symmetric', { jumpPenalty: 10, maxFeatures: 16 }).maxFeatures).toBe(14);
    expect(candidateModel(c, 'MTUM', 'asymmetric', { jumpPenaltyEnter: 10, jumpPenaltyExit: 20 }).maxFeatures).toBe(7);
    const m = candidateModel(c, 'QUAL', 'asymmetric', { jumpPenaltyEnter: 10, jumpPenaltyExit: 10 });
    expect(m.jumpPenalty).toBe(10); // equal enter/exit: the scalar, as resolveFactorModel gives
  });

  it('rejects incomplete or invalid candidates with a message that names the problem', () => {
    const c = baseConfig();
    const bad: [StrategyKind, CandidateParams, RegExp][] = [
      ['symmetric', { jumpPenalty: 10 }, /needs maxFeatures/],
      ['symmetric', { jumpPenalty: 10, maxFeatures: 3, jumpPenaltyEnter: 4 }, /jumpPenaltyEnter is not a parameter of the symmetric model/],
      ['asymmetric', { jumpPenaltyEnter: 10, maxFeatures: 3 }, /needs jumpPenaltyExit/],
      ['symmetric', { jumpPenalty: -1, maxFeatures: 3 }, /non-negative/],
      ['symmetric', { jumpPenalty: 1, maxFeatures: 0.5 }, /must be ≥ 1/],
      ['symmetric', { jumpPenalty: NaN, maxFeatures: 3 }, /finite number/],
    ];
    for (const [kind, p, msg] of bad) expect(() => candidateModel(c, 'QUAL', kind, p)).toThrow(msg);
    expect(() => candidateModel(c, 'QUAL', 'symmetric', { jumpPenalty: 1, maxFeatures: 0.5 })).toThrow(CandidateError);
    expect(() => buildTuningContext(panel, c, 'IWF')).toThrow(/IWF is not a factor of the configuration \(QUAL, MTUM\)/);
  });
});

describe('no shared mutable state; the context cache', () => {
  const config = baseConfig();
  config.refitFrequency = 'quarterly'; // fewer fits: these tests are about state, not the path itself

  it('evaluating A, B, A gives A bit-identical twice, equal to A on a fresh context; the context is untouched', () => {
    const ctx = buildTuningContext(panel, config, 'MTUM');
    const snapX = Float64Array.from(ctx.factor.X);
    const snapActive = Float64Array.from(ctx.factor.active);
    const preprocessors = () => JSON.stringify(ctx.factor.refits.map((_, r) => ctx.factor.preprocessor(r)), (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    const snapPre = preprocessors();
    const A: CandidateParams = { jumpPenalty: 15, maxFeatures: 4 };
    const B: CandidateParams = { jumpPenalty: 400, maxFeatures: 11 };
    const a1 = evaluateCandidate(ctx, A, { strategy: 'symmetric' });
    const b = evaluateCandidate(ctx, B, { strategy: 'symmetric' });
    const a2 = evaluateCandidate(ctx, A, { strategy: 'symmetric' });
    const a3 = evaluateCandidate(buildTuningContext(panel, config, 'MTUM'), A, { strategy: 'symmetric' });
    for (const x of [a2, a3]) {
      expect(Buffer.from(x.longShort.buffer).equals(Buffer.from(a1.longShort.buffer))).toBe(true);
      expect(Array.from(x.labels!)).toEqual(Array.from(a1.labels!));
    }
    expect(a1.longShort).not.toBe(a2.longShort); // fresh buffers every time
    expect(Buffer.from(b.longShort.buffer).equals(Buffer.from(a1.longShort.buffer))).toBe(false);
    expect(Buffer.from(ctx.factor.X.buffer).equals(Buffer.from(snapX.buffer))).toBe(true);
    expect(Buffer.from(ctx.factor.active.buffer).equals(Buffer.from(snapActive.buffer))).toBe(true);
    expect(preprocessors()).toBe(snapPre);
    // The returned params are a copy: editing them cannot reach the caller's object.
    a1.params.jumpPenalty = 1;
    expect(A.jumpPenalty).toBe(15);
  });

  it('the engine builds each (data, configuration, factor) context once; settings that cannot reach it share it', () => {
    const engine = new Engine();
    engine.setData(DATA_KEY, panel);
    const q1 = engine.context(DATA_KEY, config, 0);
    const q2 = engine.context(DATA_KEY, JSON.parse(JSON.stringify(config)) as RunConfig, 0);
    const m = engine.context(DATA_KEY, config, 1);
    expect(q2).toBe(q1);
    expect(m).not.toBe(q1);
    expect(engine.contextsBuilt).toBe(2);
    // Model settings (nInit) and the data set reference do not reach the features or preprocessors.
    const other = { ...config, model: { ...config.model, nInit: 3 } };
    expect(tuningConfigKey(other)).not.toBe(tuningConfigKey(config));
    expect(engine.context(DATA_KEY, other, 0)).toBe(q1);
    const withDataset = { ...other, dataset: { id: 'x', name: 'x', hash: 'x', firstDate: '2010-01-01', lastDate: '2016-12-30' } };
    expect(engine.context(DATA_KEY, withDataset, 0)).toBe(q1);
    // The training window does, and so does another data set.
    const q3 = engine.context(DATA_KEY, { ...config, trainMinYears: 4 }, 0);
    expect(q3).not.toBe(q1);
    engine.setData('another-data', panel);
    expect(engine.context('another-data', config, 0)).not.toBe(q1);
    expect(engine.contextsBuilt).toBe(4);
  });
});

describe('applying a selection to a run configuration', () => {
  const config = baseConfig();
  config.strategies.asymmetric = false;
  const ctx = buildTuningContext(panel, config, 'QUAL');
  const D = ctx.factor.D;

  it('static: the chosen parameters become the factor\'s settings and the backtest reproduces the chosen path', async () => {
    const def: StudyDefinition = {
      id: 'apply-static', createdAt: '2026-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: symmetricSpace(D) },
      sampler: { kind: 'random' }, nTrials: 3, seed: 5,
      selection: { mode: 'static', validation: { start: ctx.dates[ctx.firstOutOfSample]!, end: '2015-06-01' }, holdout: { start: '2015-06-01', end: '9999-12-31' } },
    };
    const state = await runStudy(def, { evaluate: async (p) => evaluateCandidate(ctx, p, { strategy: 'symmetric' }) });
    expect(state.status).toBe('done');
    const { config: tuned, selections, applied, notes } = applyStudy(config, state);
    const chosen = (selections.QUAL as StaticSelection).chosen!;
    expect(applied).toEqual(['QUAL']);
    expect(notes).toEqual([]); // asymmetric strategy off: κ² is not shared with anything
    const q = tuned.factors.find((f) => f.ticker === 'QUAL')!;
    expect(q.jumpPenalty).toBe(chosen.params.jumpPenalty);
    expect(q.maxFeatures).toBe(chosen.params.maxFeatures);
    expect(tuned.factors.find((f) => f.ticker === 'MTUM')).toEqual(config.factors.find((f) => f.ticker === 'MTUM'));
    expect(validateConfig(JSON.parse(JSON.stringify(tuned))).ok).toBe(true);
    // The backtest of the tuned configuration uses exactly the chosen candidate's path.
    const r = runBacktest(panel, tuned);
    const trial = state.trials.find((t) => t.id === chosen.trialId)!;
    const full = candidatesFromStudy(state, 'QUAL').find((c) => c.trialId === trial.id)!.longShort;
    expectSameSeries(full, ctx.dates.indexOf(r.dates[0]!), r.factors[0]!.regimes.symmetric!.longShort);
  });

  it('static: replaces an earlier schedule (and, asymmetric, the penalty matrix) and says so; switches the strategy on', () => {
    const c = baseConfig();
    c.strategies.asymmetric = false;
    c.factors[0]!.schedule = [{ from: '2014-01-02', jumpPenalty: 5 }];
    c.factors[0]!.penaltyMatrix = [[0, 3], [4, 0]];
    const sel: StaticSelection = {
      mode: 'static', validation: { start: '2013-01-01', end: '2015-01-01' }, holdout: null, minDays: 126, ranking: [], skipped: [],
      chosen: { trialId: 4, params: { jumpPenaltyEnter: 12, jumpPenaltyExit: 345, maxFeatures: 6.5 }, validationSharpe: 1, validationDays: 400, holdoutSharpe: null, holdoutDays: 0 },
    };
    const r = applySelection(c, { QUAL: sel }, 'asymmetric');
    const q = r.config.factors[0]!;
    expect(q).toEqual({ ticker: 'QUAL', jumpPenalty: 30, maxFeatures: 6.5, jumpPenaltyEnter: 12, jumpPenaltyExit: 345 });
    expect(r.config.strategies).toEqual({ symmetric: true, asymmetric: true });
    expect(r.notes.join('\n')).toMatch(/schedule\) was removed/);
    expect(r.notes.join('\n')).toMatch(/penalty matrix was removed/);
    expect(r.notes.join('\n')).toMatch(/asymmetric strategy was off/);
    expect(r.notes.join('\n')).toMatch(/κ² \(maxFeatures\) is shared/);
    expect(resolveFactorModel(r.config, 'QUAL', 'asymmetric', '2020-01-02').penaltyMatrix).toEqual(Float64Array.from([0, 12, 345, 0]));
    // The input configuration is not modified.
    expect(c.factors[0]!.schedule).toHaveLength(1);
    // No choice: unchanged, with a note.
    const none = applySelection(c, { QUAL: { ...sel, chosen: null } }, 'symmetric');
    expect(none.applied).toEqual([]);
    expect(none.config.factors[0]).toEqual(c.factors[0]);
    expect(none.notes[0]).toMatch(/QUAL: no candidate had 126 validation days/);
  });

  it('rolling: the parameter path becomes the schedule; every refit of the backtest uses the segment in force', async () => {
    const def: StudyDefinition = {
      id: 'apply-rolling', createdAt: '2026-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: symmetricSpace(D) },
      sampler: { kind: 'random' }, nTrials: 4, seed: 11,
      selection: { mode: 'rolling', everyMonths: 3, lookbackYears: 1, minDays: 60 },
    };
    const state = await runStudy(def, { evaluate: async (p) => evaluateCandidate(ctx, p, { strategy: 'symmetric' }) });
    const sel: RollingSelection = selectRolling(state.dates!, candidatesFromStudy(state, 'QUAL'), def.selection as never);
    expect(sel.parameterPath.length).toBeGreaterThan(1); // the choice changes over time, so the test means something
    const { config: tuned } = applySelection(config, { QUAL: sel }, 'symmetric');
    const q = tuned.factors[0]!;
    expect(q.schedule!.map((s) => s.from)).toEqual(sel.parameterPath.map((s) => s.from));
    expect(q.jumpPenalty).toBe(30); // before the first re-tune: the factor's fixed value
    expect(validateConfig(JSON.parse(JSON.stringify(tuned))).ok).toBe(true);
    const r = runBacktest(panel, tuned);
    const refits = r.factors[0]!.regimes.symmetric!.refits;
    let segmentsSeen = 0;
    for (const rf of refits) {
      const seg = [...sel.parameterPath].reverse().find((s) => s.from <= rf.date);
      const want = seg ? seg.params : { jumpPenalty: 30, maxFeatures: 5 };
      expect(rf.jumpPenalty).toBe(want.jumpPenalty);
      expect(rf.maxFeatures).toBe(want.maxFeatures);
      if (seg) segmentsSeen++;
    }
    expect(segmentsSeen).toBeGreaterThan(3);
    // MTUM was not tuned: its refits keep its own λ.
    expect(r.factors[1]!.regimes.symmetric!.refits.every((x) => x.jumpPenalty === 80)).toBe(true);
  });

  it('refuses a result that would not validate, naming the setting', () => {
    const c = baseConfig();
    c.useEnvironment = false; // D = 14
    const sel: StaticSelection = {
      mode: 'static', validation: { start: '2013-01-01', end: '2015-01-01' }, holdout: null, minDays: 126, ranking: [], skipped: [],
      chosen: { trialId: 0, params: { jumpPenalty: 10, maxFeatures: 16 }, validationSharpe: 1, validationDays: 400, holdoutSharpe: null, holdoutDays: 0 },
    };
    expect(() => applySelection(c, { QUAL: sel }, 'symmetric')).toThrow(ApplyError);
    expect(() => applySelection(c, { QUAL: sel }, 'symmetric')).toThrow(/factors\.QUAL\.maxFeatures/);
    expect(() => applySelection(c, { IWF: sel }, 'symmetric')).toThrow(/IWF is not a factor/);
  });
});
