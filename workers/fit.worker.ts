// The live-fit worker (issue 6, "Fit one model live" on the Regimes screen): fits ONE sparse jump
// model (method.md §4) for one factor on one training window of the current data set and reports
// every EM iteration as it happens. A thin shell over src/core (the squoosh pattern,
// conventions.md): features (§2), the training-window preprocessing (§2), fitSparseJumpModel with
// its `onIteration` hook, and the regime statistics of the fitted labels all come from core; the
// page imports only `type FitWorkerApi` and draws what comes back.
//
// Progress: the fit is one synchronous loop, so a timer-based throttle could never fire inside it.
// The gate below looks at the clock on every iteration instead and posts the iterations gathered
// since the last post at most 10 times a second (postMessage from a busy worker is delivered at
// once). Cancel is the pool's job: it terminates this worker (conventions.md).
import { expose } from 'comlink';
import { sameTicker, type Panel } from '../src/core/data/panel.ts';
import { featureCount, penaltyMatrixFor, type RunConfig } from '../src/core/config.ts';
import { prepareBacktestData } from '../src/core/backtest/prepare.ts';
import { isoMinusYears, lowerBound } from '../src/core/backtest/schedule.ts';
import { computeFactorFeatures, fitPreprocessor, applyPreprocessor } from '../src/core/features/index.ts';
import { fitSparseJumpModel } from '../src/core/regime/index.ts';
import type { IterationInfo } from '../src/core/regime/types.ts';
import { regimeStatistics, type RegimeStatistics } from '../src/core/metrics/regime.ts';
import { wealthFromReturns } from '../src/core/metrics/series.ts';

/** What the person chose on the screen. */
export interface LiveFitRequest {
  /** Factor ticker (one of the configuration's factors). */
  factor: string;
  /** Symmetric: Λ = λ(1 − I); asymmetric: Λ[bull→bear] = λ_enter, Λ[bear→bull] = λ_exit (method.md §3). */
  strategy: 'symmetric' | 'asymmetric';
  jumpPenalty: number;
  jumpPenaltyEnter: number;
  jumpPenaltyExit: number;
  /** κ², the effective number of features (method.md §4), 1 ≤ κ² ≤ D. */
  maxFeatures: number;
  /** Last training day (inclusive, ISO); null = the data set's last day. */
  trainEnd: string | null;
  /** Length of the training window in calendar years (the backtest's maximum window by default). */
  trainYears: number;
}

/** A batch of EM iterations, in order: parallel arrays (one entry per E-step). */
export interface IterationBatch {
  /** Inner jump-model fit (= outer SJM iteration, 0-based). */
  fit: number[];
  /** k-means++ start within the inner fit (the last one is the warm start from the previous fit). */
  start: number[];
  /** EM iteration within the start (0 = the E-step from the initial centroids). */
  iter: number[];
  objective: number[];
}

export interface LiveFitProgress {
  /** The iterations since the previous report. */
  batch: IterationBatch;
  /** Feature weights w of inner fits that started since the previous report (fit number → w). */
  weights: { fit: number; w: number[] }[];
  /** E-steps so far. */
  iterations: number;
  elapsedMs: number;
}

export interface LiveFitResult {
  factor: string;
  strategy: 'symmetric' | 'asymmetric';
  featureNames: string[];
  /** The training days (the fit's rows), ISO. */
  dates: string[];
  /** In-sample labels of the training days (0 = bull … K−1 = bear, method.md §3). */
  labels: number[];
  /** Cumulative active return Π(1 + a) − 1 over the training days (for the chart under the bands). */
  cumulativeActive: number[];
  K: number;
  D: number;
  /** The penalty matrix used (K×K, row = from). */
  penaltyMatrix: number[][];
  /** Final w (w ≥ 0, ‖w‖₂ = 1, ‖w‖₁ ≤ κ) and the multipliers √w of the last inner fit. */
  w: number[];
  featureWeights: number[];
  /** w in force for each inner fit, in order. */
  wPath: number[][];
  /** Objective of each inner fit (each on its own weighted features: not comparable across fits). */
  innerObjectives: number[];
  objective: number;
  nOuterIter: number;
  maxOuterIter: number;
  /** ‖w − w_old‖₁ / ‖w_old‖₁ of the last weight update (the stopping rule, method.md §4 step 5). */
  lastWeightChange: number;
  /** The stopping rule was met; false when the fit stopped at the 30-iteration cap instead. */
  converged: boolean;
  selectedFeatures: number[];
  /** Annualised mean active return of each state over its training days (method.md §6). */
  stateMeans: number[];
  stats: RegimeStatistics;
  /** Every E-step of the fit, in order. */
  trace: IterationBatch;
  nInit: number;
  seed: number;
  elapsedMs: number;
}

const MAX_OUTER = 30;
const W_TOL = 1e-4;
const now = () => performance.now();

function emptyBatch(): IterationBatch {
  return { fit: [], start: [], iter: [], objective: [] };
}

function fail(message: string): never {
  throw new Error(message);
}

const api = {
  /**
   * Fits one sparse jump model on the training window of `request` and returns it. `onProgress`
   * (a comlink proxy) receives the iterations as they happen, at most 10 times a second.
   */
  fit(panel: Panel, config: RunConfig, request: LiveFitRequest, onProgress?: (p: LiveFitProgress) => void): LiveFitResult {
    const t0 = now();
    const data = prepareBacktestData(panel, config);
    const f = data.factorTickers.findIndex((t) => sameTicker(t, request.factor));
    if (f < 0) fail(`${request.factor} is not a factor of the current configuration (${data.factorTickers.join(', ')}): pick one of those.`);
    const features = computeFactorFeatures({
      active: data.active[f]!, market: data.marketReturns, vix: data.vix, dgs2: data.dgs2, dgs10: data.dgs10,
    });
    const { X, D, firstValid, names } = features;
    const dates = data.dates;
    const lastDay = request.trainEnd ?? dates[dates.length - 1]!;
    const trainEnd = lowerBound(dates, `${lastDay}~`); // rows up to and including lastDay
    if (!(request.trainYears >= 1)) fail(`The training window must be at least 1 year long, got ${request.trainYears}.`);
    const trainStart = Math.max(firstValid, lowerBound(dates, isoMinusYears(lastDay, Math.round(request.trainYears))));
    const n = trainEnd - trainStart;
    if (n < 252) {
      fail(`The training window ${dates[trainStart] ?? '?'} – ${dates[trainEnd - 1] ?? '?'} has ${Math.max(0, n)} days with valid features; a fit needs at least a year (252). ` +
        `Choose a later end date or a longer window (features need 63 days of history first).`);
    }
    const D0 = featureCount(config);
    if (D !== D0) fail(`The factor has ${D} features but the configuration expects ${D0}: check the environment series on the Data screen.`);
    if (!(request.maxFeatures >= 1 && request.maxFeatures <= D)) fail(`κ² must be between 1 and ${D} (the number of features), got ${request.maxFeatures}.`);
    const K = config.model.k;
    const penaltyMatrix = request.strategy === 'symmetric'
      ? penaltyMatrixFor(K, request.jumpPenalty, request.jumpPenalty)
      : penaltyMatrixFor(K, request.jumpPenaltyEnter, request.jumpPenaltyExit);
    // Preprocessing fitted on the training rows only (method.md §2).
    const pp = fitPreprocessor(X, D, trainStart, trainEnd);
    const Z = applyPreprocessor(pp, X, D, trainStart, trainEnd);
    const ret = data.active[f]!.slice(trainStart, trainEnd);

    // The iteration trace: kept whole for the result, and sent in batches while the fit runs.
    const trace = emptyBatch();
    let batch = emptyBatch();
    let weights: { fit: number; w: number[] }[] = [];
    let lastFit = -1;
    let lastPost = -Infinity;
    const post = (force: boolean) => {
      if (!onProgress) return;
      const t = now();
      if (!force && t - lastPost < 100) return;
      lastPost = t;
      void onProgress({ batch, weights, iterations: trace.objective.length, elapsedMs: t - t0 });
      batch = emptyBatch();
      weights = [];
    };
    const onIteration = (info: IterationInfo) => {
      trace.fit.push(info.fit); trace.start.push(info.start); trace.iter.push(info.iter); trace.objective.push(info.objective);
      batch.fit.push(info.fit); batch.start.push(info.start); batch.iter.push(info.iter); batch.objective.push(info.objective);
      if (info.fit !== lastFit && info.w) { lastFit = info.fit; weights.push({ fit: info.fit, w: Array.from(info.w) }); }
      post(false);
    };

    const penalty = request.strategy === 'symmetric' ? { jumpPenalty: request.jumpPenalty } : { penaltyMatrix };
    const fit = fitSparseJumpModel(Z, n, D, {
      k: K, ...penalty, maxFeatures: request.maxFeatures, nInit: config.model.nInit, seed: config.model.seed, ret,
      maxOuterIter: MAX_OUTER, wTol: W_TOL, onIteration,
    });
    post(true);

    // The stopping rule of method.md §4 step 5, evaluated on the last update.
    const wOld = fit.wPath[fit.wPath.length - 1]!;
    let num = 0, den = 0;
    for (let d = 0; d < D; d++) { num += Math.abs(fit.w[d]! - wOld[d]!); den += Math.abs(wOld[d]!); }
    const lastWeightChange = den > 0 ? num / den : 0;
    const stats = regimeStatistics(fit.labels, ret, K);
    const cum = wealthFromReturns(ret);
    return {
      factor: data.factorTickers[f]!, strategy: request.strategy, featureNames: names,
      dates: dates.slice(trainStart, trainEnd), labels: Array.from(fit.labels),
      cumulativeActive: Array.from(cum, (v) => v - 1),
      K, D, penaltyMatrix: Array.from({ length: K }, (_, i) => Array.from(penaltyMatrix.subarray(i * K, i * K + K))),
      w: Array.from(fit.w), featureWeights: Array.from(fit.featureWeights), wPath: fit.wPath.map((w) => Array.from(w)),
      innerObjectives: fit.innerObjectives.slice(), objective: fit.objective, nOuterIter: fit.nOuterIter, maxOuterIter: MAX_OUTER,
      lastWeightChange, converged: lastWeightChange <= W_TOL,
      selectedFeatures: fit.selectedFeatures.slice(),
      stateMeans: stats.states.map((s) => s.meanActiveReturn ?? 0),
      stats, trace, nInit: config.model.nInit, seed: config.model.seed, elapsedMs: now() - t0,
    };
  },
};

export type FitWorkerApi = typeof api;

expose(api);
