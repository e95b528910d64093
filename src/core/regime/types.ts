// Types of the regime engine (method.md §3-§5). Everything here is plain data: typed arrays, numbers,
// strings and plain objects, so results cross a worker boundary unchanged.

/** What one EM iteration reports to a live-fit UI (`onIteration`). */
export interface IterationInfo {
  /** Inner jump-model fit number (0 for JM / CJM; 0, 1, … for the SJM's outer iterations). */
  fit: number;
  /** Start number within the fit (0 … nInit-1, then the warm start if any). */
  start: number;
  /** EM iteration within the start (0 = the E-step from the initial centroids). */
  iter: number;
  /** Objective after this E-step. */
  objective: number;
  /** SJM only: the feature weights w in use for this inner fit. */
  w?: Float64Array;
}

/** Options shared by the discrete and continuous jump models. */
export interface BaseJumpOptions {
  /** Number of states K (default 2). */
  k?: number;
  /** Starts from seeded greedy k-means++ (default 10). Ignored when `initRows` is given. */
  nInit?: number;
  /** Seed of the k-means++ generator (default 0; MT19937 seeded like NumPy's `RandomState(seed)`). */
  seed?: number;
  /** EM iterations per start (default 1000). */
  maxIter?: number;
  /** Stop a start when the objective falls by <= tol (absolute, default 1e-8). */
  tol?: number;
  /** Target return per row, used to sort states by cumulative return (state 0 = highest). Without it states are sorted by frequency. */
  ret?: Float64Array;
  /** Explicit starts: each an array of K row indices of X whose rows are the initial centroids. Replaces k-means++. */
  initRows?: number[][];
  /** Centroids (K×D flat, in the fitted space) appended as one extra start, after the others. */
  warmStart?: Float64Array;
  /** Multiply every column j of X by featureWeights[j] before fitting (the SJM passes √w). */
  featureWeights?: Float64Array;
  /** Called after every E-step of every start. Keep it cheap: it runs inside the hot loop. */
  onIteration?: (info: IterationInfo) => void;
}

export interface JumpModelOptions extends BaseJumpOptions {
  /** Scalar jump penalty λ: Λ = λ(1 − I). Give this or `penaltyMatrix` (default λ = 0). */
  jumpPenalty?: number;
  /**
   * Full K×K penalty matrix in sorted-state coordinates (row = from, column = to), zero diagonal,
   * non-negative; asymmetric allowed (method.md §3: Λ[bull, bear] = λ_enter, Λ[bear, bull] = λ_exit).
   * Flat row-major Float64Array or number[][].
   */
  penaltyMatrix?: Float64Array | number[][];
}

export interface ContinuousJumpModelOptions extends BaseJumpOptions {
  /** λ of the continuous model's penalty λ·(½‖p_i − p_j‖₁)² (default 0). */
  jumpPenalty?: number;
  /** Step of the probability-simplex grid (default 0.05, i.e. 21 points for K = 2). */
  gridSize?: number;
  /** Add the reference's mode-loss correction to the penalty (default true). */
  modeLoss?: boolean;
}

export interface SparseJumpModelOptions extends Omit<JumpModelOptions, 'initRows' | 'featureWeights' | 'warmStart' | 'onIteration'> {
  /** κ², the effective number of features, 1 <= κ² <= D (required). */
  maxFeatures: number;
  /** Outer (weight) iterations (default 30). */
  maxOuterIter?: number;
  /** Stop when ‖w − w_old‖₁ / ‖w_old‖₁ <= wTol (default 1e-4). */
  wTol?: number;
  /** Explicit starts per inner fit, in order (one `initRows` per inner jump-model fit); fits beyond the list use k-means++. */
  initRows?: number[][][];
  /** Unweighted centroids (K×D) appended as an extra start to the first inner fit (e.g. last month's fit). */
  warmStart?: Float64Array;
  onIteration?: (info: IterationInfo) => void;
}

/**
 * A fitted model, enough to label new rows (method.md §5). Plain data: store it, post it to a worker.
 * Rows passed to inference are the preprocessed features (unweighted); inference multiplies them by
 * `featureWeights` itself.
 */
export interface FittedModel {
  kind: 'jm' | 'cjm' | 'sjm';
  K: number;
  D: number;
  /** K×D centroids in the fitted (weighted) space, sorted states; a NaN row marks an empty state. */
  centers: Float64Array;
  /** D multipliers applied to each row before computing losses (√w for the SJM, ones otherwise). */
  featureWeights: Float64Array;
  /** Size of the state space the DP runs over: K, or the number of simplex grid points for the CJM. */
  S: number;
  /** S×S penalty matrix of the DP (sorted coordinates). */
  penalty: Float64Array;
  /** CJM only: S×K grid of probability vectors (row s = the state's probabilities over the K regimes). */
  probVecs: Float64Array | null;
}

export interface JumpModelResult {
  kind: 'jm' | 'cjm' | 'sjm';
  T: number;
  D: number;
  K: number;
  /** In-sample labels, sorted states (0 = highest cumulative target return, "bull"). */
  labels: Int32Array;
  /** CJM: T×K probabilities (sorted columns). Null for discrete models. */
  proba: Float64Array | null;
  /** K×D centroids in the fitted space (for the SJM: features × √w), sorted. */
  centers: Float64Array;
  /** The objective J of the best start (method.md §3). */
  objective: number;
  /** The scalar penalty the E-step used (λ, or λ/√D inside the SJM); null for a matrix penalty. */
  jumpPenaltyEffective: number | null;
  /** Per state: mean and (unbiased) volatility of `ret`, when given (the reference's `ret_`, `vol_`). */
  stateReturnMean: Float64Array | null;
  stateReturnVol: Float64Array | null;
  /** K×K empirical transition matrix of `labels` (row-normalised; NaN rows for states never left). */
  transmat: Float64Array;
  /** EM iterations of the chosen start. */
  nIter: number;
  /** Index of the chosen start. */
  bestStart: number;
  /** Final objective of every start, in order. */
  startObjectives: Float64Array;
  /** Row indices of the starts that came from rows (k-means++ or `initRows`). */
  startRows: number[][];
  warmStartAppended: boolean;
  fitted: FittedModel;
}

export interface SparseJumpModelResult extends JumpModelResult {
  kind: 'sjm';
  /** Feature weights w (w ≥ 0, ‖w‖₂ = 1, ‖w‖₁ ≤ κ) after the last update. */
  w: Float64Array;
  /** √w actually used in the last inner fit (the multipliers of the fitted space). */
  featureWeights: Float64Array;
  /** K×D centroids on the unweighted features, sorted. */
  centersUnweighted: Float64Array;
  nOuterIter: number;
  /** λ/√D (matrix: Λ/√D), the penalty of every inner fit. */
  innerJumpPenalty: number | null;
  /** Indices of features with w > 0. */
  selectedFeatures: number[];
  /** w in use for each inner fit, in order (for a live-fit UI or a trace). */
  wPath: Float64Array[];
  /** Objective of each inner fit, in order. */
  innerObjectives: number[];
}

export interface RegimeStats {
  K: number;
  /** Labelled days (labels < 0 are skipped: warm-up rows). */
  n: number;
  /** Days in each state. */
  count: Float64Array;
  /** Share of labelled days in each state. */
  frequency: Float64Array;
  /** Mean length of a spell (consecutive days) in each state, in days; NaN if never visited. */
  meanDuration: Float64Array;
  /** Number of state changes between consecutive labelled days. */
  switches: number;
  /** switches × periodsPerYear / (n − 1). */
  switchesPerYear: number;
  /** K×K empirical transition matrix (row = from), rows sum to 1; NaN rows for states never left. */
  transitionMatrix: Float64Array;
  /** Per state, mean of the target per period and annualised (× periodsPerYear). */
  mean: Float64Array;
  meanAnnualised: Float64Array;
  /** Per state, sample std (ddof 1) per period and annualised (× √periodsPerYear). */
  vol: Float64Array;
  volAnnualised: Float64Array;
}
