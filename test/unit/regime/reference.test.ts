// Agreement with the authors' reference library `jumpmodels` 0.1.1 ("Agreement with the
// reference", items 1-3), over every case of ref_synA, ref_synB and ref_ndx in
// ../shared/fixtures/jumpmodels. Expected values are the fixtures' own fields (see its README).
import { describe, it, expect } from 'vitest';
import {
  fitJumpModel, fitContinuousJumpModel, fitSparseJumpModel, onlineLabels, onlineProba, predict, kmeansppRows,
  scalarPenaltyMatrix, simplexGrid, cjmPenaltyMatrix, regimeStats,
  type FittedModel, type JumpModelResult, type SparseJumpModelResult, type IterationInfo,
} from '../../../src/core/regime/index.ts';
import { Rng } from '../../../src/core/random.ts';
import { DATASETS, FIXTURE_DIR, haveFixtures, loadDataset, usesRet, caseK, caseInit, flat, type LoadedDataset, type RefCase } from './fixtures.ts';

if (!haveFixtures) console.log(`regime reference tests skipped: fixtures not found at ${FIXTURE_DIR}`);

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && (y === null || Number.isNaN(y))) continue;
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
};

/** Fit a case our way; `starts` replaces k-means++ (per inner fit for the SJM). */
function fitCase(ds: LoadedDataset, c: RefCase, o: { seed?: number; nInit?: number; initRows?: number[][] | number[][][]; onIteration?: (i: IterationInfo) => void } = {}): JumpModelResult {
  const { X, T, D } = ds.train;
  const base = {
    k: caseK(c), nInit: o.nInit ?? caseInit(c), seed: o.seed ?? 0, jumpPenalty: Number(c.params.jump_penalty),
    ...(usesRet(c) ? { ret: ds.retTrain } : {}), ...(o.onIteration ? { onIteration: o.onIteration } : {}),
  };
  if (c.model === 'JM') return fitJumpModel(X, T, D, { ...base, ...(o.initRows ? { initRows: o.initRows as number[][] } : {}) });
  if (c.model === 'CJM') return fitContinuousJumpModel(X, T, D, { ...base, gridSize: Number(c.params.grid_size), ...(o.initRows ? { initRows: o.initRows as number[][] } : {}) });
  return fitSparseJumpModel(X, T, D, { ...base, maxFeatures: Number(c.params.max_feats), ...(o.initRows ? { initRows: o.initRows as number[][][] } : {}) });
}

/** The reference's fitted model rebuilt from the fixture (centres in the fitted space, √w, Λ). */
function referenceModel(c: RefCase, D: number): FittedModel {
  const K = caseK(c);
  const centers = flat(c.centers);
  if (c.model === 'CJM') {
    const { probVecs, S } = simplexGrid(K, Number(c.params.grid_size));
    return { kind: 'cjm', K, D, centers, featureWeights: new Float64Array(D).fill(1), S, probVecs, penalty: cjmPenaltyMatrix(Number(c.params.jump_penalty), probVecs, S, K, c.params.mode_loss !== false) };
  }
  const fw = c.model === 'SJM' ? Float64Array.from(c.feat_weights!) : new Float64Array(D).fill(1);
  return { kind: c.model === 'SJM' ? 'sjm' : 'jm', K, D, centers, featureWeights: fw, S: K, probVecs: null, penalty: scalarPenaltyMatrix(c.jump_penalty_effective, K) };
}

describe.skipIf(!haveFixtures)('jumpmodels reference', () => {
  for (const name of DATASETS) {
    describe(name, () => {
      const ds = haveFixtures ? loadDataset(name) : (null as unknown as LoadedDataset);
      const cases = haveFixtures ? ds.cases : [];

      it('k-means++ with Rng(0) picks the reference\'s starting rows in every traced fit', () => {
        for (const c of cases) {
          for (const fit of c.trace ?? []) {
            const { X, T, D } = ds.train;
            const fw = fit.feat_weights_used;
            const Xw = fw ? X.map((v, i) => v * fw[i % D]!) : X;
            const rng = new Rng(0); // the reference's random_state=0, re-seeded for every inner fit
            const rows = fit.kmeanspp_rows.map(() => kmeansppRows(Xw, T, D, caseK(c), rng));
            expect(rows, c.case_id).toEqual(fit.kmeanspp_rows);
          }
        }
      });

      for (const c of cases) {
        describe(c.case_id, () => {
          // item 1: from the reference's own starts, the reference's fit
          it.skipIf(!c.trace)('item 1: reproduces the traced fit from the reference\'s starts', () => {
            const trace = c.trace!;
            const starts = c.model === 'SJM' ? trace.map((f) => f.kmeanspp_rows) : trace[0]!.kmeanspp_rows;
            const seen: IterationInfo[] = [];
            const r = fitCase(ds, c, { initRows: starts, onIteration: (i) => seen.push({ ...i }) });
            expect(Array.from(r.labels)).toEqual(c.labels_fit);
            expect(rel(r.objective, c.val)).toBeLessThan(1e-9);
            // every start's objective path (after each E-step), start by start, fit by fit
            for (const [fi, fit] of trace.entries()) {
              expect(seen.filter((s) => s.fit === fi && s.iter === 0).length, `fit ${fi} starts`).toBe(fit.inits.length);
              fit.inits.forEach((init, si) => {
                const path = seen.filter((s) => s.fit === fi && s.start === si).map((s) => s.objective);
                expect(path.length, `fit ${fi} start ${si} iterations`).toBe(init.vals.length);
                path.forEach((v, i) => expect(rel(v, init.vals[i]!), `fit ${fi} start ${si} iter ${i}`).toBeLessThan(1e-9));
              });
            }
            const lastFit = trace[trace.length - 1]!;
            expect(r.warmStartAppended).toBe(lastFit.warm_start_appended);
            expect(r.bestStart).toBe(lastFit.best_init_index_first_argmin);
            expect(maxAbs(r.centers, flat(c.centers))).toBeLessThan(1e-9);
            expect(Math.abs(r.jumpPenaltyEffective! - c.jump_penalty_effective)).toBeLessThan(1e-12 * Math.max(1, c.jump_penalty_effective));
            if (usesRet(c)) {
              expect(maxAbs(r.stateReturnMean!, c.ret_)).toBeLessThan(1e-12);
              expect(maxAbs(r.stateReturnVol!, c.vol_)).toBeLessThan(1e-12);
            }
            expect(maxAbs(r.transmat, flat(c.transmat))).toBeLessThan(1e-12);
            if (c.model === 'SJM') {
              const s = r as SparseJumpModelResult;
              expect(maxAbs(s.w, c.w!)).toBeLessThan(1e-9);
              expect(maxAbs(s.featureWeights, c.feat_weights!)).toBeLessThan(1e-9);
              expect(maxAbs(s.centersUnweighted, flat(c.centers_unweighted!))).toBeLessThan(1e-9);
              expect(s.nOuterIter).toBe(c.n_outer_iter);
              expect(rel(s.innerJumpPenalty!, c.inner_jump_penalty!)).toBeLessThan(1e-12);
              // the weights of every inner fit are the reference's
              s.wPath.forEach((w, i) => expect(maxAbs(w.map(Math.sqrt), trace[i]!.feat_weights_used!), `inner fit ${i}`).toBeLessThan(1e-9));
            }
            if (c.model === 'CJM') expect(maxAbs(r.proba!, flat(c.proba_fit!))).toBeLessThan(1e-12);
          });

          // item 2: our own seeded k-means++
          it('item 2: seeded k-means++ (nInit 10) lands within 0.1% of the reference objective', () => {
            for (const seed of [0, 1, 2]) {
              const r = fitCase(ds, c, { seed, nInit: 10 });
              const d = (r.objective - c.val) / Math.abs(c.val);
              expect(d, `seed ${seed}`).toBeLessThanOrEqual(1e-3);
              if (Math.abs(d) <= 1e-6) {
                let eq = 0;
                for (let t = 0; t < ds.train.T; t++) if (r.labels[t] === c.labels_fit[t]) eq++;
                expect(eq / ds.train.T, `seed ${seed} label agreement`).toBeGreaterThanOrEqual(0.99);
                if (c.model === 'SJM') {
                  const w = (r as SparseJumpModelResult).w;
                  let l1 = 0;
                  for (let j = 0; j < w.length; j++) l1 += Math.abs(w[j]! - c.w![j]!);
                  expect(l1, `seed ${seed} ‖w − w_ref‖₁`).toBeLessThanOrEqual(0.02);
                }
              }
            }
          });

          it('item 2: with nInit 50 the objective is at most the reference\'s plus 1e-4 relative', () => {
            for (const seed of [0, 1]) {
              const r = fitCase(ds, c, { seed, nInit: 50 });
              expect((r.objective - c.val) / Math.abs(c.val), `seed ${seed}`).toBeLessThanOrEqual(1e-4);
            }
          });

          // item 3: inference with the reference's fitted model
          it('item 3: online and smoothed labels of the reference model', () => {
            const D = ds.train.D;
            const m = referenceModel(c, D);
            expect(Array.from(onlineLabels(ds.test.X, ds.test.T, D, m))).toEqual(c.labels_online_test);
            expect(Array.from(predict(ds.test.X, ds.test.T, D, m).labels)).toEqual(c.labels_predict_test);
            expect(Array.from(onlineLabels(ds.train.X, ds.train.T, D, m))).toEqual(c.labels_online_train);
            if (c.model === 'CJM') {
              expect(maxAbs(onlineProba(ds.test.X, ds.test.T, D, m), flat(c.proba_online_test!))).toBeLessThan(1e-12);
              expect(maxAbs(predict(ds.test.X, ds.test.T, D, m).proba, flat(c.proba_predict_test!))).toBeLessThan(1e-12);
            }
          });

          it('our fitted model labels the test block like the reference (seed 0)', () => {
            const r = fitCase(ds, c);
            const D = ds.train.D;
            expect(Array.from(onlineLabels(ds.test.X, ds.test.T, D, r.fitted))).toEqual(c.labels_online_test);
            expect(Array.from(predict(ds.test.X, ds.test.T, D, r.fitted).labels)).toEqual(c.labels_predict_test);
          });

          it.skipIf(!usesRet(c) || c.model === 'CJM')('regimeStats of the fitted labels gives the reference ret_, vol_ and transmat', () => {
            const st = regimeStats(Int32Array.from(c.labels_fit), ds.retTrain, caseK(c));
            expect(maxAbs(st.mean, c.ret_)).toBeLessThan(1e-12);
            expect(maxAbs(st.vol, c.vol_)).toBeLessThan(1e-12);
            expect(maxAbs(st.transitionMatrix, flat(c.transmat))).toBeLessThan(1e-12);
          });
        });
      }
    });
  }
});
