// One sparse jump model fitted live (method.md §2-§4) on one factor's training window of a data set,
// with every EM iteration reported as it happens: the Regimes screen's "Fit one model live". The
// training window and the preprocessing are the walk-forward's own (schedule.ts, features), the
// penalty is the configuration's (config.ts penaltyMatrixFor), and the fit and its stopping rule are
// the regime engine's (regime/sparse.ts): nothing here is a second copy of them.
import type { Panel } from '../data/panel.ts';
import { sameTicker } from '../data/panel.ts';
import { featureCount, penaltyMatrixFor, type RunConfig } from '../config.ts';
import { prepareBacktestData } from './prepare.ts';
import { trainingWindow } from './schedule.ts';
import { computeFactorFeatures, fitPreprocessor, applyPreprocessor } from '../features/index.ts';
import { fitSparseJumpModel, SJM_DEFAULTS, weightChange } from '../regime/sparse.ts';
import type { IterationInfo } from '../regime/types.ts';
import { regimeStatistics, type RegimeStatistics } from '../metrics/regime.ts';
import { wealthFromReturns } from '../metrics/series.ts';

export class LiveFitError extends Error {}

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


export function emptyBatch(): IterationBatch {
  return { fit: [], start: [], iter: [], objective: [] };
}

const now = () => (globalThis.performance ? globalThis.performance.now() : Date.now());
function fail(message: string): never {
  throw new LiveFitError(message);
}

/**
 * Fits one sparse jump model on the training window of `request`; `onIteration` sees every E-step
 * (keep it cheap: it runs inside the hot loop).
 */
export function liveFit(panel: Panel, config: RunConfig, request: LiveFitRequest, onIteration?: (info: IterationInfo) => void): LiveFitResult {
  const t0 = now();
  const data = prepareBacktestData(panel, config);
  const f = data.factorTickers.findIndex((t) => sameTicker(t, request.factor));
  if (f < 0) fail(`${request.factor} is not a factor of the current configuration (${data.factorTickers.join(', ')}): pick one of those.`);
  const features = computeFactorFeatures({
    active: data.active[f]!, market: data.marketReturns, vix: data.vix, dgs2: data.dgs2, dgs10: data.dgs10,
  });
  const { X, D, firstValid, names } = features;
  const dates = data.dates;
  if (!(request.trainYears >= 1)) fail(`The training window must be at least 1 year long, got ${request.trainYears}.`);
  const { trainStart, trainEnd } = trainingWindow(dates, firstValid, request.trainEnd ?? dates[dates.length - 1]!, Math.round(request.trainYears));
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

  const trace = emptyBatch();
  const penalty = request.strategy === 'symmetric' ? { jumpPenalty: request.jumpPenalty } : { penaltyMatrix };
  const fit = fitSparseJumpModel(Z, n, D, {
    k: K, ...penalty, maxFeatures: request.maxFeatures, nInit: config.model.nInit, seed: config.model.seed, ret,
    onIteration: (info) => {
      trace.fit.push(info.fit); trace.start.push(info.start); trace.iter.push(info.iter); trace.objective.push(info.objective);
      onIteration?.(info);
    },
  });
  // The stopping rule of method.md §4 step 5, evaluated on the last update.
  const lastWeightChange = weightChange(fit.w, fit.wPath[fit.wPath.length - 1]!);
  const stats = regimeStatistics(fit.labels, ret, K);
  const cum = wealthFromReturns(ret);
  return {
    factor: data.factorTickers[f]!, strategy: request.strategy, featureNames: names,
    dates: dates.slice(trainStart, trainEnd), labels: Array.from(fit.labels),
    cumulativeActive: Array.from(cum, (v) => v - 1),
    K, D, penaltyMatrix: Array.from({ length: K }, (_, i) => Array.from(penaltyMatrix.subarray(i * K, i * K + K))),
    w: Array.from(fit.w), featureWeights: Array.from(fit.featureWeights), wPath: fit.wPath.map((w) => Array.from(w)),
    innerObjectives: fit.innerObjectives.slice(), objective: fit.objective, nOuterIter: fit.nOuterIter, maxOuterIter: SJM_DEFAULTS.maxOuterIter,
    lastWeightChange, converged: lastWeightChange <= SJM_DEFAULTS.wTol,
    selectedFeatures: fit.selectedFeatures.slice(),
    stateMeans: stats.states.map((s) => s.meanActiveReturn ?? 0),
    stats, trace, nInit: config.model.nInit, seed: config.model.seed, elapsedMs: now() - t0,
  };
}
