// Regime statistics of a label path (method.md §10 "regime switches per year").
import type { RegimeStats } from './types.ts';

/**
 * Frequency, mean spell duration, switches per year, transition matrix, and mean / volatility of
 * `target` per state. Labels < 0 mark unlabelled rows (warm-up) and are skipped; a spell or a
 * transition never spans an unlabelled row. `target` may be omitted (NaN means and vols).
 */
export function regimeStats(labels: Int32Array, target: Float64Array | null | undefined, K: number, periodsPerYear = 252): RegimeStats {
  if (!Number.isInteger(K) || K < 1) throw new Error(`regimeStats: K must be a positive integer, got ${K}`);
  if (target && target.length !== labels.length) throw new Error(`regimeStats: target has ${target.length} values but labels has ${labels.length}`);
  const T = labels.length;
  const count = new Float64Array(K), spells = new Float64Array(K);
  const sum = new Float64Array(K), sum2 = new Float64Array(K), nt = new Float64Array(K);
  const trans = new Float64Array(K * K);
  let n = 0, switches = 0, pairs = 0;
  let prev = -1;
  for (let t = 0; t < T; t++) {
    const s = labels[t]!;
    if (s >= K) throw new Error(`regimeStats: label ${s} at row ${t + 1} is not a state of a K = ${K} model`);
    if (s < 0) { prev = -1; continue; }
    n++;
    count[s]! += 1;
    if (prev !== s) spells[s]! += 1;
    if (prev >= 0) {
      pairs++;
      trans[prev * K + s]! += 1;
      if (prev !== s) switches++;
    }
    if (target) {
      const r = target[t]!;
      if (Number.isFinite(r)) { sum[s]! += r; nt[s]! += 1; }
    }
    prev = s;
  }
  const mean = new Float64Array(K), vol = new Float64Array(K);
  if (target) {
    // second pass for a numerically stable sample variance
    for (let t = 0; t < T; t++) {
      const s = labels[t]!;
      if (s < 0) continue;
      const r = target[t]!;
      if (Number.isFinite(r)) { const d = r - sum[s]! / nt[s]!; sum2[s]! += d * d; }
    }
  }
  const frequency = new Float64Array(K), meanDuration = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    frequency[k] = n > 0 ? count[k]! / n : NaN;
    meanDuration[k] = spells[k]! > 0 ? count[k]! / spells[k]! : NaN;
    mean[k] = target && nt[k]! > 0 ? sum[k]! / nt[k]! : NaN;
    vol[k] = target && nt[k]! > 1 ? Math.sqrt(sum2[k]! / (nt[k]! - 1)) : NaN;
    let rs = 0;
    for (let j = 0; j < K; j++) rs += trans[k * K + j]!;
    for (let j = 0; j < K; j++) trans[k * K + j] = rs > 0 ? trans[k * K + j]! / rs : NaN;
  }
  return {
    K, n, count, frequency, meanDuration, switches,
    switchesPerYear: pairs > 0 ? (switches * periodsPerYear) / pairs : NaN,
    transitionMatrix: trans,
    mean, meanAnnualised: mean.map((m) => m * periodsPerYear),
    vol, volAnnualised: vol.map((v) => v * Math.sqrt(periodsPerYear)),
  };
}
