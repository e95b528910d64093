// Samplers for the hyperparameter search (method.md §7): grid, random and TPE, all seeded.
//
// Batch determinism: a study's trials are proposed in batches of a fixed size. Batch b of a factor is
// proposed from the finished trials of batches < b only (sorted by trial id), with a random stream
// derived from (study seed, factor, batch index). So the proposals — and hence the trials and the
// choice — do not depend on how many workers ran the study or in which order trials finished.
// Grid and random proposals do not depend on any history: the whole study is one batch.
//
// TPE follows Bergstra, Bardenet, Bengio & Kégl (2011), "Algorithms for hyper-parameter
// optimization", with the multivariate kernel and bandwidths of Optuna's TPESampler (Watanabe 2023,
// "Tree-structured Parzen estimator: understanding its algorithm components"): in the unit cube of
// the searched dimensions (log-transformed where the dimension is log-scaled), split the finished
// trials into "good" (the best ⌈γ·n⌉ scores) and "bad" (the rest); model each set by a Parzen mixture
// of product truncated Gaussians (one per trial, plus a flat-ish prior centred in the cube); draw
// n_ei candidates from the good density l(x) and propose the one with the largest l(x)/g(x).
import { Rng } from '../random.ts';
import { deriveSeed } from './rng.ts';
import { gridCandidates, defaultGridPoints, paramsFromUnit, searchedDimensions, unitFromParams } from './space.ts';
import type { CandidateParams, SamplerConfig, SearchSpace } from './types.ts';

/** A finished, successful trial as the sampler sees it. NaN scores count as the worst. */
export interface Observation {
  id: number;
  params: CandidateParams;
  score: number;
}

export interface TpeSettings {
  batchSize: number;
  nStartup: number;
  gamma: number;
  nEiCandidates: number;
  priorWeight: number;
}

export const TPE_DEFAULTS: TpeSettings = { batchSize: 8, nStartup: 10, gamma: 0.25, nEiCandidates: 24, priorWeight: 1 };

export class SamplerError extends Error {}

/** TPE settings with defaults filled in, validated. */
export function tpeSettings(cfg: Extract<SamplerConfig, { kind: 'tpe' }>): TpeSettings {
  const s: TpeSettings = {
    batchSize: cfg.batchSize ?? TPE_DEFAULTS.batchSize,
    nStartup: cfg.nStartup ?? TPE_DEFAULTS.nStartup,
    gamma: cfg.gamma ?? TPE_DEFAULTS.gamma,
    nEiCandidates: cfg.nEiCandidates ?? TPE_DEFAULTS.nEiCandidates,
    priorWeight: cfg.priorWeight ?? TPE_DEFAULTS.priorWeight,
  };
  const bad: string[] = [];
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) bad.push(`batchSize must be a whole number ≥ 1, got ${s.batchSize}`);
  if (!Number.isInteger(s.nStartup) || s.nStartup < 1) bad.push(`nStartup must be a whole number ≥ 1, got ${s.nStartup}`);
  if (!(s.gamma > 0 && s.gamma < 1)) bad.push(`gamma must lie strictly between 0 and 1, got ${s.gamma}`);
  if (!Number.isInteger(s.nEiCandidates) || s.nEiCandidates < 1) bad.push(`nEiCandidates must be a whole number ≥ 1, got ${s.nEiCandidates}`);
  if (!(s.priorWeight > 0) || !Number.isFinite(s.priorWeight)) bad.push(`priorWeight must be a positive number, got ${s.priorWeight}`);
  if (bad.length) throw new SamplerError(`TPE sampler: ${bad.join('; ')}`);
  return s;
}

/**
 * Trials per batch. TPE: its batch size. Grid and random need no history, so the whole study is one
 * batch (every trial can start at once).
 */
export function batchSizeOf(sampler: SamplerConfig, nTrials: number): number {
  return sampler.kind === 'tpe' ? tpeSettings(sampler).batchSize : Math.max(1, nTrials);
}

/** Whether batch b must wait for the trials of earlier batches (only TPE learns from history). */
export function needsHistory(sampler: SamplerConfig): boolean {
  return sampler.kind === 'tpe';
}

/** The number of trials a grid study has: the grid's size (the requested nTrials only sets its density). */
export function gridSize(space: SearchSpace, sampler: Extract<SamplerConfig, { kind: 'grid' }>, nTrials: number): number {
  return gridCandidates(space, sampler.pointsPerDimension ?? defaultGridPoints(space, nTrials)).length;
}

export interface BatchRequest {
  seed: number;
  factor: string;
  batch: number;
  /** Trial ids of the batch, ascending. */
  ids: number[];
  /** Requested trials per factor (the grid's density). */
  nTrials: number;
  /** Finished successful trials of batches < `batch` (ignored by grid and random). */
  history: Observation[];
}

/** Proposes the parameters of one batch of trials. Pure and deterministic in its inputs. */
export function proposeBatch(space: SearchSpace, sampler: SamplerConfig, req: BatchRequest): CandidateParams[] {
  const d = searchedDimensions(space).length;
  switch (sampler.kind) {
    case 'grid': {
      const grid = gridCandidates(space, sampler.pointsPerDimension ?? defaultGridPoints(space, req.nTrials));
      return req.ids.map((id) => {
        const p = grid[id];
        if (!p) throw new SamplerError(`grid sampler: trial ${id} is beyond the grid's ${grid.length} points`);
        return p;
      });
    }
    case 'random':
      // One stream per trial: trial i is the same whatever the batch layout.
      return req.ids.map((id) => {
        const rng = new Rng(deriveSeed(req.seed, req.factor, 'random', id));
        const u = new Float64Array(d);
        for (let k = 0; k < d; k++) u[k] = rng.next();
        return paramsFromUnit(space, u);
      });
    case 'tpe': {
      const s = tpeSettings(sampler);
      const rng = new Rng(deriveSeed(req.seed, req.factor, 'tpe', req.batch));
      const history = [...req.history].sort((a, b) => a.id - b.id);
      const model = history.length >= s.nStartup ? buildTpeModel(space, history, s) : null;
      return req.ids.map(() => {
        const u = model ? model.suggest(rng, s.nEiCandidates) : randomUnit(rng, d);
        return paramsFromUnit(space, u);
      });
    }
  }
}

function randomUnit(rng: Rng, d: number): Float64Array {
  const u = new Float64Array(d);
  for (let k = 0; k < d; k++) u[k] = rng.next();
  return u;
}

// ---- Parzen estimator ----------------------------------------------------------------------------

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x), Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Φ(b) − Φ(a) for a < b, computed on the side of the tails that keeps precision. */
function normalMass(a: number, b: number): number {
  if (a >= 0) return 0.5 * (erfc(a / Math.SQRT2) - erfc(b / Math.SQRT2));
  if (b <= 0) return 0.5 * (erfc(-b / Math.SQRT2) - erfc(-a / Math.SQRT2));
  return 1 - 0.5 * (erfc(-a / Math.SQRT2) + erfc(b / Math.SQRT2));
}

/**
 * A mixture of product truncated Gaussians on [0, 1]^d: components 0 … m−1 are observations, the
 * last is the prior (centre 0.5, σ = 1 in every dimension). Flat row-major arrays.
 */
class ParzenMixture {
  readonly m: number;
  readonly logWeights: Float64Array;
  readonly cumWeights: Float64Array;
  /** mu[i*d + k], sigma[i*d + k], logNorm[i*d + k] = log(σ √(2π) (Φ((1−μ)/σ) − Φ(−μ/σ))). */
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
  readonly logNorm: Float64Array;
  private readonly scratch: Float64Array;

  constructor(readonly d: number, points: Float64Array, nPoints: number, priorWeight: number) {
    const m = nPoints + 1;
    this.m = m;
    this.mu = new Float64Array(m * d);
    this.sigma = new Float64Array(m * d);
    this.logNorm = new Float64Array(m * d);
    this.scratch = new Float64Array(m);
    // Optuna's multivariate bandwidth: σ = 0.2 · n^(−1/(d+4)) of the range, clipped to
    // [range / min(100, 1 + n_kernels), range] ("magic clip", Bergstra et al. 2011).
    const n = Math.max(nPoints, 1);
    let sig = 0.2 * Math.pow(n, -1 / (d + 4));
    const minSig = 1 / Math.min(100, 1 + m);
    if (sig < minSig) sig = minSig;
    if (sig > 1) sig = 1;
    for (let i = 0; i < nPoints; i++) {
      for (let k = 0; k < d; k++) {
        this.mu[i * d + k] = points[i * d + k]!;
        this.sigma[i * d + k] = sig;
      }
    }
    for (let k = 0; k < d; k++) {
      this.mu[nPoints * d + k] = 0.5;
      this.sigma[nPoints * d + k] = 1;
    }
    for (let j = 0; j < m * d; j++) {
      const mu = this.mu[j]!, s = this.sigma[j]!;
      this.logNorm[j] = Math.log(s) + LOG_SQRT_2PI + Math.log(normalMass(-mu / s, (1 - mu) / s));
    }
    // Optuna's default weights: flat below 25 observations, else a linear ramp that down-weights
    // the oldest (points arrive sorted by trial id); then the prior's weight; normalised.
    const w = new Float64Array(m);
    if (nPoints < 25) w.fill(1, 0, nPoints);
    else {
      const ramp = nPoints - 25;
      for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / nPoints : 1 / nPoints + (i * (1 - 1 / nPoints)) / (ramp - 1);
      w.fill(1, ramp, nPoints);
    }
    w[nPoints] = priorWeight;
    let sum = 0;
    for (let i = 0; i < m; i++) sum += w[i]!;
    this.logWeights = new Float64Array(m);
    this.cumWeights = new Float64Array(m);
    let acc = 0;
    for (let i = 0; i < m; i++) {
      this.logWeights[i] = Math.log(w[i]! / sum);
      acc += w[i]! / sum;
      this.cumWeights[i] = acc;
    }
  }

  /** Draws one point: a component by weight, then each coordinate from its truncated Gaussian. */
  sample(rng: Rng, out: Float64Array): void {
    const r = rng.next();
    let i = 0;
    while (i < this.m - 1 && r >= this.cumWeights[i]!) i++;
    for (let k = 0; k < this.d; k++) {
      const mu = this.mu[i * this.d + k]!, s = this.sigma[i * this.d + k]!;
      // Rejection from the untruncated Gaussian: acceptance ≥ ~34% since μ ∈ [0,1] and σ ≤ 1.
      let x = NaN;
      for (let tries = 0; tries < 1000; tries++) {
        const z = mu + s * rng.normal();
        if (z >= 0 && z <= 1) { x = z; break; }
      }
      out[k] = Number.isNaN(x) ? Math.min(1, Math.max(0, mu)) : x;
    }
  }

  /** log density at x (log-sum-exp over components). */
  logPdf(x: Float64Array): number {
    const d = this.d;
    let max = -Infinity;
    for (let i = 0; i < this.m; i++) {
      let lp = this.logWeights[i]!;
      for (let k = 0; k < d; k++) {
        const j = i * d + k;
        const z = (x[k]! - this.mu[j]!) / this.sigma[j]!;
        lp -= 0.5 * z * z + this.logNorm[j]!;
      }
      this.scratch[i] = lp;
      if (lp > max) max = lp;
    }
    if (max === -Infinity) return -Infinity;
    let s = 0;
    for (let i = 0; i < this.m; i++) s += Math.exp(this.scratch[i]! - max);
    return max + Math.log(s);
  }
}

interface TpeModel {
  suggest(rng: Rng, nCandidates: number): Float64Array;
}

/** Splits the history into good and bad and builds l(x) and g(x). History sorted by id. */
function buildTpeModel(space: SearchSpace, history: Observation[], s: TpeSettings): TpeModel {
  const d = searchedDimensions(space).length;
  const n = history.length;
  // Best first; NaN scores are the worst; ties go to the lower trial id (stable on sorted input).
  const order = history.map((_, i) => i).sort((a, b) => {
    const x = history[a]!.score, y = history[b]!.score;
    const xs = Number.isNaN(x) ? -Infinity : x, ys = Number.isNaN(y) ? -Infinity : y;
    return ys - xs || history[a]!.id - history[b]!.id;
  });
  const nGood = Math.min(n, Math.max(1, Math.ceil(s.gamma * n)));
  const isGood = new Uint8Array(n);
  for (let r = 0; r < nGood; r++) isGood[order[r]!] = 1;
  // Points in id order within each group (the weight ramp reads age from it).
  const good = new Float64Array(nGood * d);
  const bad = new Float64Array((n - nGood) * d);
  const u = new Float64Array(d);
  let gi = 0, bi = 0;
  for (let i = 0; i < n; i++) {
    unitFromParams(space, history[i]!.params, u);
    if (isGood[i]) good.set(u, d * gi++);
    else bad.set(u, d * bi++);
  }
  const l = new ParzenMixture(d, good, nGood, s.priorWeight);
  const g = new ParzenMixture(d, bad, n - nGood, s.priorWeight);
  return {
    suggest(rng, nCandidates) {
      const best = new Float64Array(d);
      const x = new Float64Array(d);
      let bestScore = -Infinity;
      for (let c = 0; c < nCandidates; c++) {
        l.sample(rng, x);
        const ei = l.logPdf(x) - g.logPdf(x);
        if (c === 0 || ei > bestScore) { bestScore = ei; best.set(x); }
      }
      return best;
    },
  };
}

/**
 * How TPE spends a factor's trials: batch b is proposed from the finished trials of earlier batches
 * only, and at random until `nStartup` have finished, so the first ⌈nStartup / batchSize⌉ whole
 * batches are random draws (more if trials fail). When that is every trial, the study is a plain
 * random search, and the front ends say so.
 */
export function tpeRandomTrials(nTrials: number, sampler: SamplerConfig): { random: number; modelled: number; startup: number } | null {
  if (sampler.kind !== 'tpe') return null;
  let s: ReturnType<typeof tpeSettings>;
  try { s = tpeSettings(sampler); } catch { return null; } // invalid settings: reported elsewhere
  const startup = Math.ceil(s.nStartup / s.batchSize) * s.batchSize;
  const random = Math.min(nTrials, startup);
  return { random, modelled: nTrials - random, startup };
}
