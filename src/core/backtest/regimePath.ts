// One factor's walk-forward regime path (method.md §6): at every refit, preprocess on the training
// rows, fit the (sparse) jump model, record each state's expected active return, then label every
// day until the next refit online (forward pass only, starting at the training window's first row).
//
// The same function gives a tuning candidate's path (method.md §7): the features and the per-refit
// preprocessors live in a `FactorContext` built once per factor and shared read-only by every
// candidate; each call allocates its own buffers, so concurrent candidates share no mutable state.

import { computeFactorFeatures, fitPreprocessor, applyPreprocessor, type Preprocessor } from '../features/index.ts';
import { fitSparseJumpModel, fitJumpModel, onlineLabels } from '../regime/index.ts';
import type { FittedModel } from '../regime/types.ts';
import type { Refit } from './schedule.ts';
import type { ResolvedFactorModel } from '../config.ts';
import { longShortPosition, longShortReturns } from '../metrics/regime.ts';

export interface FactorInputs {
  /** Daily active return a_t = r_f − r_m (index 0 NaN). */
  active: Float64Array;
  /** Daily market return (index 0 NaN). */
  market: Float64Array;
  vix?: Float64Array;
  dgs2?: Float64Array;
  dgs10?: Float64Array;
}

/** Everything about a factor that does not depend on the model's hyperparameters. */
export interface FactorContext {
  ticker: string;
  T: number;
  D: number;
  featureNames: string[];
  X: Float64Array;
  firstValid: number;
  active: Float64Array;
  refits: Refit[];
  /** One preprocessor per refit, fitted on that refit's training rows only (method §2). */
  preprocessors: Preprocessor[];
}

/** Hyperparameters of one factor's model at one refit (config.ts `resolveFactorModel` gives them). */
export type FactorModelParams = Pick<ResolvedFactorModel, 'model' | 'k' | 'penaltyMatrix' | 'jumpPenalty' | 'maxFeatures' | 'nInit' | 'seed'>;

export interface RefitRecord {
  day: number;
  trainStart: number;
  trainEnd: number;
  /** Annualised expected active return of each state: 252 × mean of a over its training days (§6). */
  stateMeans: number[];
  /** Training days in each state. */
  stateCounts: number[];
  /** √w: the multipliers actually applied to the features (ones for a plain JM). */
  featureWeights: number[];
  objective: number;
  nOuterIter: number;
  /** Parameters used at this refit (a tuned schedule may change them over time). */
  jumpPenalty: number | null;
  penaltyMatrix: number[][] | null;
  maxFeatures: number;
}

export interface FactorPath {
  ticker: string;
  /** Online regime of each day (sorted states, 0 = bull); −1 before the first refit. */
  labels: Int8Array;
  /** Expected annualised active return of the online regime of each day; NaN before the first refit. */
  mu: Float64Array;
  refits: RefitRecord[];
  /** The last refit's fitted model (for the UI's "current model"). */
  lastModel: FittedModel | null;
  /** The last refit's in-sample labels over its training window (smoothed, method §3). */
  inSampleLabels: Int32Array | null;
}

export function buildFactorContext(ticker: string, inputs: FactorInputs, refitsFor: (firstValid: number) => Refit[]): FactorContext {
  const f = computeFactorFeatures(inputs);
  const refits = refitsFor(f.firstValid);
  const preprocessors = refits.map((r) => fitPreprocessor(f.X, f.D, r.trainStart, r.trainEnd));
  return { ticker, T: f.T, D: f.D, featureNames: f.names, X: f.X, firstValid: f.firstValid, active: inputs.active, refits, preprocessors };
}

/** A per-refit seed so every fit's k-means++ stream is fixed by (seed, factor, refit). */
export function refitSeed(seed: number, factorIndex: number, refitIndex: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(factorIndex + 1, 0x85ebca6b) ^ Math.imul(refitIndex + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * Walk one factor forward. `paramsAt(refitIndex)` gives the hyperparameters in force at each refit
 * (constant for a plain run, a tuned schedule otherwise). `factorIndex` only feeds the seed.
 */
export function computeFactorPath(ctx: FactorContext, paramsAt: (refitIndex: number) => FactorModelParams, factorIndex = 0): FactorPath {
  const { T, D, X, active } = ctx;
  const labels = new Int8Array(T).fill(-1);
  const mu = new Float64Array(T).fill(NaN);
  const records: RefitRecord[] = [];
  let warm: Float64Array | undefined;
  let warmKey = '';
  let lastModel: FittedModel | null = null;
  let inSampleLabels: Int32Array | null = null;
  for (let r = 0; r < ctx.refits.length; r++) {
    const refit = ctx.refits[r]!;
    const p = paramsAt(r);
    const nTrain = refit.trainEnd - refit.trainStart;
    const nAll = refit.until - refit.trainStart;
    // Preprocess training rows and the days this model will label, with the training fit (§2).
    const Z = applyPreprocessor(ctx.preprocessors[r]!, X, D, refit.trainStart, refit.until);
    const Ztrain = Z.subarray(0, nTrain * D);
    const ret = active.subarray(refit.trainStart, refit.trainEnd);
    const seed = refitSeed(p.seed, factorIndex, r);
    // A scalar λ where Λ = λ(1 − I) (the reference's symmetric fit), the full matrix otherwise.
    const penalty = p.jumpPenalty !== null ? { jumpPenalty: p.jumpPenalty } : { penaltyMatrix: p.penaltyMatrix };
    // Warm start from last month's centroids when the model's shape is unchanged (issue 4).
    const key = `${p.model}:${p.k}:${D}`;
    const warmStart = warm && key === warmKey ? warm : undefined;
    let fittedLabels: Int32Array, model: FittedModel, objective: number, nOuter = 1, featureWeights: Float64Array;
    if (p.model === 'sjm') {
      const fit = fitSparseJumpModel(Ztrain, nTrain, D, { k: p.k, ...penalty, maxFeatures: p.maxFeatures, nInit: p.nInit, seed, ret, warmStart });
      fittedLabels = fit.labels; model = fit.fitted; objective = fit.objective; nOuter = fit.nOuterIter;
      featureWeights = fit.featureWeights;
      warm = fit.centersUnweighted;
    } else {
      const fit = fitJumpModel(Ztrain, nTrain, D, { k: p.k, ...penalty, nInit: p.nInit, seed, ret, warmStart });
      fittedLabels = fit.labels; model = fit.fitted; objective = fit.objective;
      featureWeights = new Float64Array(D).fill(1);
      warm = fit.centers;
    }
    warmKey = key;
    lastModel = model;
    inSampleLabels = fittedLabels;
    // Expected active return per state from the in-sample labels (§6).
    const K = p.k;
    const sums = new Float64Array(K), counts = new Float64Array(K);
    for (let i = 0; i < nTrain; i++) {
      const a = ret[i]!;
      const s = fittedLabels[i]!;
      if (s < 0 || !Number.isFinite(a)) continue;
      sums[s] += a; counts[s]++;
    }
    const stateMeans = Array.from(sums, (s, k) => (counts[k]! > 0 ? (252 * s) / counts[k]! : 0));
    // Online labels: forward pass from the training window's first row; keep the days this model owns.
    const lab = onlineLabels(Z, nAll, D, model);
    for (let t = refit.day; t < refit.until; t++) {
      const s = lab[t - refit.trainStart]!;
      labels[t] = s;
      mu[t] = stateMeans[s]!;
    }
    records.push({
      day: refit.day, trainStart: refit.trainStart, trainEnd: refit.trainEnd, stateMeans, stateCounts: Array.from(counts),
      featureWeights: Array.from(featureWeights), objective, nOuterIter: nOuter,
      jumpPenalty: p.jumpPenalty, penaltyMatrix: p.jumpPenalty !== null ? null : Array.from({ length: K }, (_, i) => Array.from(p.penaltyMatrix.subarray(i * K, i * K + K))),
      maxFeatures: p.maxFeatures,
    });
  }
  return { ticker: ctx.ticker, labels, mu, refits: records, lastModel, inSampleLabels };
}

/**
 * Single-factor long-short (method §6): the position clip(μ/scale, −1, 1) decided at the close of
 * day T from the regime inferred then earns a_{T+2}. NaN before the first position.
 */
export function longShortFromPath(mu: Float64Array, active: Float64Array, scale: number): Float64Array {
  const T = mu.length;
  const positions = new Float64Array(T).fill(NaN);
  for (let t = 2; t < T; t++) positions[t] = longShortPosition(mu[t - 2]!, scale);
  return longShortReturns(positions, active);
}
