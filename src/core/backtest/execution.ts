// Daily execution with drift, turnover and costs (method.md §9).
//
// Conventions (one day = one close):
// - `targets` row t holds the weights traded into at the close of day t (NaN in the first column
//   means "no trade that day": the holdings simply drift).
// - Between trades the holdings drift with the assets' returns.
// - A trade costs costBps × turnover, turnover = Σ|w_target − w_drifted| (both sides), taken from
//   the portfolio value at that close. The first trade buys from cash (turnover = Σ|w|).
// - The return series starts the day after the first trade (no flat pre-start days, §10/§11); the
//   first trade's cost is inside that first return.

export interface ExecutionResult {
  /** First day with a position (the close of the first trade). */
  startDay: number;
  /** Portfolio value after the trade at each close (1 before costs at startDay); NaN before startDay. */
  values: Float64Array;
  /** Daily net returns; NaN up to and including startDay. */
  returns: Float64Array;
  /** Holdings after the close of day t (T×N, row-major): the weights earning day t+1's return. NaN before startDay. */
  weights: Float64Array;
  /** Turnover traded at each close (0 on days without a trade). */
  turnover: Float64Array;
  /** Cost paid at each close as a fraction of the portfolio value. */
  cost: Float64Array;
}

/**
 * Simulate a portfolio. `returns` is T×N row-major simple returns (row 0 unused), `targets` T×N.
 * Non-finite asset returns on a day the portfolio holds the asset are an error (the panel is aligned).
 */
export function simulatePortfolio(returns: Float64Array, targets: Float64Array, T: number, N: number, costBps: number): ExecutionResult {
  const c = costBps / 10_000;
  const values = new Float64Array(T).fill(NaN);
  const out = new Float64Array(T).fill(NaN);
  const weights = new Float64Array(T * N).fill(NaN);
  const turnover = new Float64Array(T);
  const cost = new Float64Array(T);
  const h = new Float64Array(N);
  let start = -1;
  for (let t = 0; t < T; t++) if (Number.isFinite(targets[t * N]!)) { start = t; break; }
  if (start < 0) return { startDay: T, values, returns: out, weights, turnover, cost };

  let value = 1; // pre-trade value at the start close
  let prev = 1;
  for (let t = start; t < T; t++) {
    const o = t * N;
    if (t > start) {
      // Drift over day t.
      let g = 0;
      for (let i = 0; i < N; i++) {
        if (h[i] === 0) continue;
        const r = returns[o + i]!;
        if (!Number.isFinite(r)) throw new Error(`return of asset ${i} on day ${t} is not a number while held`);
        g += h[i]! * r;
      }
      const inv = 1 / (1 + g);
      for (let i = 0; i < N; i++) if (h[i] !== 0) h[i] = h[i]! * (1 + returns[o + i]!) * inv;
      value *= 1 + g;
    }
    if (Number.isFinite(targets[o]!)) {
      let tv = 0;
      for (let i = 0; i < N; i++) tv += Math.abs(targets[o + i]! - h[i]!);
      turnover[t] = tv;
      cost[t] = c * tv;
      value *= 1 - c * tv;
      for (let i = 0; i < N; i++) h[i] = targets[o + i]!;
    }
    values[t] = value;
    if (t > start) out[t] = value / prev - 1;
    prev = value;
    if (t === start) prev = 1; // the first cost lands in the first return
    for (let i = 0; i < N; i++) weights[o + i] = h[i]!;
  }
  return { startDay: start, values, returns: out, weights, turnover, cost };
}

/** Equal weight over all N assets from `startDay`, rebalanced at every day where `rebalance(t)` is true (§9). */
export function equalWeightTargets(T: number, N: number, startDay: number, rebalance: (t: number) => boolean): Float64Array {
  const targets = new Float64Array(T * N).fill(NaN);
  for (let t = startDay; t < T; t++) {
    if (t === startDay || rebalance(t)) targets.fill(1 / N, t * N, t * N + N);
  }
  return targets;
}

/** Buy and hold one asset from `startDay`. */
export function buyAndHoldTargets(T: number, N: number, startDay: number, asset: number): Float64Array {
  const targets = new Float64Array(T * N).fill(NaN);
  if (startDay < T) {
    targets.fill(0, startDay * N, startDay * N + N);
    targets[startDay * N + asset] = 1;
  }
  return targets;
}
