// Types of the hyperparameter search (method.md §7). Plain data only: everything here crosses a
// worker boundary (structured clone) and is stored in IndexedDB.

/**
 * Names of the tunable regime-model parameters, in the method's words:
 * - `jumpPenalty` — scalar λ, Λ = λ(1 − I) (method.md §3);
 * - `jumpPenaltyEnter` — Λ[bull, bear], the cost of entering the bear state (asymmetric variant);
 * - `jumpPenaltyExit` — Λ[bear, bull], the cost of leaving it;
 * - `maxFeatures` — κ², the effective number of features of the sparse jump model (method.md §4).
 */
export type ParamName = 'jumpPenalty' | 'jumpPenaltyEnter' | 'jumpPenaltyExit' | 'maxFeatures';

/**
 * One candidate's parameters. A symmetric candidate has `jumpPenalty` and `maxFeatures`; an
 * asymmetric one has `jumpPenaltyEnter`, `jumpPenaltyExit` and `maxFeatures`. Fixed dimensions of
 * the search space are included with their fixed value, so a candidate is always complete.
 */
export type CandidateParams = Partial<Record<ParamName, number>>;

/**
 * A candidate's walk-forward path (method.md §6), computed once over the whole history by the
 * backtest (the injected evaluator) and then only read by both selection modes (method.md §7).
 */
export interface CandidatePath {
  params: CandidateParams;
  /** The panel's trading calendar, ISO YYYY-MM-DD ascending; every array below is indexed by it. */
  dates: string[];
  /**
   * Daily single-factor long-short returns `clip(μ_state / 5%, −1, 1) × a_t` (method.md §6), NaN
   * on every day before the first out-of-sample day (warm-up and the first training window).
   */
  longShort: Float64Array;
  /** Online regime labels (0 = bull … K−1 = bear), −1 where there is no label. Optional. */
  labels?: Int8Array;
  /** Dates of the monthly refits. Optional, for diagnostics. */
  refitDates?: string[];
}

/** Where a trial belongs: trial ids run 0 … nTrials−1 within each factor of a study. */
export interface TrialRef {
  factor: string;
  id: number;
}

/**
 * Computes one candidate's walk-forward path. In the app it calls a worker pool, in node the node
 * worker-thread pool (src/cli/node-pool.ts). It must be deterministic (same params, same path) and
 * must not share mutable state between candidates (method.md §11). `signal` aborts when the study is
 * cancelled; an evaluator may ignore it (the runner stops waiting for it anyway).
 */
export type Evaluator = (params: CandidateParams, trial: TrialRef, signal?: AbortSignal) => Promise<CandidatePath>;

/** The part of a path a finished trial keeps: the long-short series from its first valid day on. */
export interface StoredPath {
  /** Index in the study's calendar of `longShort[0]`: the first day that is not NaN. */
  start: number;
  longShort: Float64Array;
  labels?: Int8Array;
  refitDates?: string[];
}

/** Figures of a finished trial's whole out-of-sample path (for tables and the progress line). */
export interface PathSummary {
  /** First out-of-sample day, null when the path has none. */
  firstDate: string | null;
  /** Number of days with a (non-NaN) long-short return. */
  nDays: number;
  /** Annualised Sharpe over the whole out-of-sample path: mean / sample std × √252 (rf = 0). */
  sharpe: number;
  /** 252 × mean daily long-short return. */
  annualReturn: number;
  /** Sample std × √252. */
  annualVolatility: number;
}

export type TrialStatus = 'done' | 'failed' | 'cancelled';

export interface TrialRecord {
  factor: string;
  /** 0 … nTrials−1 within the factor; proposal order; ties in selection go to the lowest id. */
  id: number;
  /** The sampler batch the trial was proposed in (TPE proposes batch b from batches < b only). */
  batch: number;
  params: CandidateParams;
  status: TrialStatus;
  /** What went wrong, for 'failed' trials (the evaluator's message, or a path check). */
  error?: string;
  /**
   * The score the sampler maximises and the progress line shows: the validation-window Sharpe in
   * static mode, the whole out-of-sample Sharpe in rolling mode. NaN when failed, cancelled, or the
   * window has fewer than the selection's minimum number of days.
   */
  score: number;
  summary?: PathSummary;
  path?: StoredPath;
  durationMs: number;
  /** ISO timestamp. Informational only: never an input to any computation. */
  finishedAt: string;
}

export interface DateWindow {
  /** Inclusive ISO date. */
  start: string;
  /** Exclusive ISO date. */
  end: string;
}

/** Static selection (method.md §7): choose once on a validation window; report the holdout apart. */
export interface StaticSelectionConfig {
  mode: 'static';
  validation: DateWindow;
  /** Reported for the chosen candidate only, never used to choose. Must start at or after validation.end. */
  holdout?: DateWindow;
  /** Candidates with fewer valid days in the validation window are skipped. Default 126 (half a year). */
  minDays?: number;
}

/** Rolling selection as in the paper (method.md §7): re-tune every N months on trailing Sharpe. */
export interface RollingSelectionConfig {
  mode: 'rolling';
  /** Months between re-tune dates. Default 6. */
  everyMonths?: number;
  /** Length of the trailing window of each candidate's own out-of-sample path, in years. Default 6. */
  lookbackYears?: number;
  /** Candidates with fewer valid days in the trailing window are skipped. Default 252 (one year). */
  minDays?: number;
  /**
   * First re-tune month, 'YYYY-MM' or any date in it. Re-tune dates are the first trading days of
   * that month and every `everyMonths` months after. Default: the month of the earliest
   * out-of-sample day over all candidates.
   */
  start?: string;
}

export type SelectionConfig = StaticSelectionConfig | RollingSelectionConfig;

export type StudyStatus = 'new' | 'running' | 'done' | 'cancelled' | 'interrupted' | 'error';

/**
 * One dimension of a search space, as plain data. `log` means sampled uniformly in log(value)
 * (and log-spaced on a grid); `integer` rounds to whole numbers; `fixed` removes the dimension from
 * the search and gives every candidate that value (low/high are then ignored for sampling but still
 * validated as the editable range).
 */
export interface Dimension {
  name: ParamName;
  low: number;
  high: number;
  log: boolean;
  integer?: boolean;
  fixed?: number;
}

/**
 * A factor's search space (method.md §7): symmetric {jumpPenalty, maxFeatures} or asymmetric
 * {jumpPenaltyEnter, jumpPenaltyExit, maxFeatures}.
 */
export interface SearchSpace {
  kind: 'symmetric' | 'asymmetric';
  dimensions: Dimension[];
}

export type SamplerConfig =
  | {
      kind: 'grid';
      /** Points per searched dimension (one number for all, or per name). Default: ⌊nTrials^(1/d)⌋, at least 2. */
      pointsPerDimension?: number | Partial<Record<ParamName, number>>;
    }
  | { kind: 'random' }
  | {
      kind: 'tpe';
      /** Trials per batch; batch b is proposed from the finished trials of batches < b only. Default 8. */
      batchSize?: number;
      /** While fewer than this many trials have finished successfully, propose at random. Default 10. */
      nStartup?: number;
      /** Fraction of finished trials that form the "good" density l(x). Default 0.25. */
      gamma?: number;
      /** Candidates drawn from l(x) per proposal; the one with the largest l/g wins. Default 24. */
      nEiCandidates?: number;
      /** Weight of the flat prior component in both densities. Default 1. */
      priorWeight?: number;
    };

/** Everything that determines a study's trials (with the evaluator): saved with the study. */
export interface StudyDefinition {
  id: string;
  name?: string;
  /** ISO timestamp, informational. */
  createdAt: string;
  /** Factor tickers; every factor gets its own trials and its own selection. */
  factors: string[];
  /** One search space per factor (key: ticker). */
  spaces: Record<string, SearchSpace>;
  sampler: SamplerConfig;
  /** Trials per factor (for grid: the grid size is used and stored here by `normaliseDefinition`). */
  nTrials: number;
  seed: number;
  selection: SelectionConfig;
  /**
   * Opaque to the tuner: whatever the caller needs to rebuild the evaluator on resume (data set id
   * and hash, the run configuration). Stored with the study.
   */
  context?: Record<string, unknown>;
}

/** A study as saved and resumed: its definition, its finished trials and where it stands. */
export interface StudyState {
  definition: StudyDefinition;
  status: StudyStatus;
  /** Study-level error (not a trial error), e.g. a failure to save. */
  error?: string;
  /** The trading calendar every stored path is indexed by; set when the first path arrives. */
  dates?: string[];
  /** Finished trials (done, failed, and cancelled ones which resume runs again), in finishing order. */
  trials: TrialRecord[];
}
