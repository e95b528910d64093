// Inference with a fitted model (method.md §5): online labels from the forward pass only (no
// look-ahead: the label of day t depends on rows <= t), and smoothed labels from the full DP.
import { forwardLabels, smoothedLabels } from './kernels.ts';
import type { FittedModel } from './types.ts';

function check(X: Float64Array, T: number, D: number, model: FittedModel, who: string): void {
  if (D !== model.D) throw new Error(`${who}: X has ${D} features but the model was fitted on ${model.D}`);
  if (X.length < T * D) throw new Error(`${who}: X has ${X.length} values but T×D = ${T * D}`);
  for (let i = 0; i < T * D; i++) if (!Number.isFinite(X[i]!)) throw new Error(`${who}: X row ${Math.floor(i / D) + 1}, column ${(i % D) + 1} is ${X[i]}; rows must be finite (skip warm-up rows)`);
}

/** Map DP-state labels to regimes: identity for discrete models, argmax of the grid point for the CJM. */
function toRegimes(model: FittedModel, dpLabels: Int32Array, T: number, proba: Float64Array | null): Int32Array {
  if (!model.probVecs) return dpLabels;
  const K = model.K, P = model.probVecs;
  const out = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const po = dpLabels[t]! * K;
    let arg = 0, mx = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = P[po + k]!;
      if (proba) proba[t * K + k] = v;
      if (v > mx) { mx = v; arg = k; }
    }
    out[t] = arg;
  }
  return out;
}

/**
 * Online (filtered) labels: forward recursion V[t,k] = L[t,k] + min_j (V[t−1,j] + Λ[j,k]) started
 * at the first row of X, label = argmin_k V[t,k] (ties -> lowest). X: T×D preprocessed rows
 * (unweighted; the model's feature weights are applied here).
 */
export function onlineLabels(X: Float64Array, T: number, D: number, model: FittedModel): Int32Array {
  check(X, T, D, model, 'onlineLabels');
  const dp = new Int32Array(T);
  forwardLabels(X, T, D, model.K, model.centers, model.featureWeights, model.S, model.probVecs, model.penalty, dp);
  return toRegimes(model, dp, T, null);
}

/** Online probabilities (T×K): one-hot for discrete models, the filtered grid point for the CJM. */
export function onlineProba(X: Float64Array, T: number, D: number, model: FittedModel): Float64Array {
  check(X, T, D, model, 'onlineProba');
  const dp = new Int32Array(T);
  forwardLabels(X, T, D, model.K, model.centers, model.featureWeights, model.S, model.probVecs, model.penalty, dp);
  const proba = new Float64Array(T * model.K);
  if (model.probVecs) toRegimes(model, dp, T, proba);
  else for (let t = 0; t < T; t++) proba[t * model.K + dp[t]!] = 1;
  return proba;
}

/** Smoothed labels: the full DP over the block (uses the whole block, so it looks ahead). */
export function predictLabels(X: Float64Array, T: number, D: number, model: FittedModel): Int32Array {
  return predict(X, T, D, model).labels;
}

/** Smoothed labels, probabilities (T×K) and the block's objective. */
export function predict(X: Float64Array, T: number, D: number, model: FittedModel): { labels: Int32Array; proba: Float64Array; objective: number } {
  check(X, T, D, model, 'predictLabels');
  const dp = new Int32Array(T);
  const objective = smoothedLabels(X, T, D, model.K, model.centers, model.featureWeights, model.S, model.probVecs, model.penalty, dp);
  const proba = new Float64Array(T * model.K);
  let labels: Int32Array;
  if (model.probVecs) labels = toRegimes(model, dp, T, proba);
  else { labels = dp; for (let t = 0; t < T; t++) proba[t * model.K + dp[t]!] = 1; }
  return { labels, proba, objective };
}
