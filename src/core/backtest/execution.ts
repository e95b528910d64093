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
// - Turnover controls (method §12): a trade may be restricted to some days (weekly, monthly) and
//   skipped when it is smaller than a no-trade band; a skipped trade is no trade at all (the
//   holdings keep drifting, turnover and cost 0). The purchase from cash is never skipped.

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
 * When a portfolio may trade (method.md §12 "Turnover controls"). The first trade (the purchase
 * from cash) is always made; the rules apply to every later day with a target.
 */
export interface TradingRules {
  /** Days on which a trade is allowed (undefined = every day with a target, the paper's). */
  tradeDay?: (t: number) => boolean;
  /** Skip a trade whose one-way size ½·Σ|w_target − w_drifted| is at most this (0 = never skip). */
  noTradeBand?: number;
}

/**
 * A portfolio advanced one close at a time, so that a decision at day t can read the holdings
 * after the close of t (the trade penalty's reference, method.md §12) while later days are not
 * simulated yet. `simulatePortfolio` is this stepper run over every day.
 */
export class PortfolioSimulation {
  private readonly c: number;
  private readonly band: number;
  private readonly tradeDay: ((t: number) => boolean) | undefined;
  private readonly values: Float64Array;
  private readonly out: Float64Array;
  private readonly weights: Float64Array;
  private readonly turnover: Float64Array;
  private readonly cost: Float64Array;
  private readonly h: Float64Array;
  /** The weights a trade list moves to (see `advance`). */
  private readonly desired: Float64Array;
  private start = -1;
  /** Next day to simulate. */
  private next = 0;
  private value = 1; // pre-trade value at the start close
  private prev = 1;

  constructor(private readonly returns: Float64Array, private readonly T: number, private readonly N: number, costBps: number, rules: TradingRules = {}) {
    this.c = costBps / 10_000;
    this.band = rules.noTradeBand ?? 0;
    this.tradeDay = rules.tradeDay;
    this.values = new Float64Array(T).fill(NaN);
    this.out = new Float64Array(T).fill(NaN);
    this.weights = new Float64Array(T * N).fill(NaN);
    this.turnover = new Float64Array(T);
    this.cost = new Float64Array(T);
    this.h = new Float64Array(N);
    this.desired = new Float64Array(N);
  }

  /** Days simulated so far (the next day to simulate). */
  get day(): number { return this.next; }

  /**
   * Simulate every day up to and including `through` with the targets given (row t = the weights
   * to trade into at the close of t, NaN = no target). Rows of days already simulated are not read
   * again, so a caller may fill `targets` as it goes.
   *
   * `tradeFrom` (optional, T×N) turns a row into a trade list: where row t is finite, the trade at
   * the close of t is targets − tradeFrom (the weights the target was decided from), applied to the
   * drifted holdings, so that an asset the decision did not trade is not traded (the trade
   * penalty's execution, method.md §12). A weight that this would make negative (the asset fell
   * since the decision) is sold to 0 and the rest rescaled to sum to 1.
   */
  advance(targets: Float64Array, through: number, tradeFrom?: Float64Array): void {
    const { returns, N, h, values, out, weights, turnover, cost, c } = this;
    const last = Math.min(through, this.T - 1);
    for (let t = this.next; t <= last; t++) {
      const o = t * N;
      if (this.start < 0) {
        if (!Number.isFinite(targets[o]!)) continue;
        this.start = t;
      }
      const start = this.start;
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
        this.value *= 1 + g;
      }
      if (Number.isFinite(targets[o]!) && (t === start || !this.tradeDay || this.tradeDay(t))) {
        let to = targets, at = o;
        if (tradeFrom && t > start && Number.isFinite(tradeFrom[o]!)) {
          to = this.desired; at = 0;
          this.tradeList(targets, tradeFrom, o);
        }
        let tv = 0;
        for (let i = 0; i < N; i++) tv += Math.abs(to[at + i]! - h[i]!);
        // No-trade band (method §12): the one-way distance is half the two-sided turnover.
        if (!(this.band > 0 && t > start && 0.5 * tv <= this.band)) {
          turnover[t] = tv;
          cost[t] = c * tv;
          this.value *= 1 - c * tv;
          for (let i = 0; i < N; i++) h[i] = to[at + i]!;
        }
      }
      values[t] = this.value;
      if (t > start) out[t] = this.value / this.prev - 1;
      this.prev = this.value;
      if (t === start) this.prev = 1; // the first cost lands in the first return
      for (let i = 0; i < N; i++) weights[o + i] = h[i]!;
    }
    if (last + 1 > this.next) this.next = last + 1;
  }

  /** desired = h + (target − from) of row offset o, kept long-only and fully invested. */
  private tradeList(targets: Float64Array, from: Float64Array, o: number): void {
    const { N, h, desired } = this;
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const v = h[i]! + (targets[o + i]! - from[o + i]!);
      desired[i] = v > 0 ? v : 0;
      sum += desired[i]!;
    }
    for (let i = 0; i < N; i++) desired[i] = desired[i]! / sum;
  }

  /** The holdings after the last simulated close (a view, not a copy); null before the first trade. */
  holdings(): Float64Array | null {
    return this.start >= 0 ? this.h : null;
  }

  /** The whole run (simulates the days still left; `tradeFrom` as for `advance`). */
  finish(targets: Float64Array, tradeFrom?: Float64Array): ExecutionResult {
    this.advance(targets, this.T - 1, tradeFrom);
    const { values, out: returns, weights, turnover, cost } = this;
    return { startDay: this.start < 0 ? this.T : this.start, values, returns, weights, turnover, cost };
  }
}

/**
 * Simulate a portfolio. `returns` is T×N row-major simple returns (row 0 unused), `targets` T×N.
 * Non-finite asset returns on a day the portfolio holds the asset are an error (the panel is aligned).
 * `rules` restrict the days that trade (method.md §12); without them every target is traded.
 */
export function simulatePortfolio(returns: Float64Array, targets: Float64Array, T: number, N: number, costBps: number, rules: TradingRules = {}): ExecutionResult {
  return new PortfolioSimulation(returns, T, N, costBps, rules).finish(targets);
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
