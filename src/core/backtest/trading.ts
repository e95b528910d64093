// Turnover controls of the regime strategies (method.md §12 "Turnover controls"): the days on
// which they may trade, a no-trade band, and a linear trade penalty in the allocation (no-trade
// regions: Leland 1996; trading costs in the objective: Gârleanu & Pedersen 2013). Each is off by
// default, and then the strategies trade every day all the way to their target (method §9).
//
// Timing (method §6): the target traded at the close of T+1 is decided at the close of T. The
// penalty measures the trade from h_T, the holdings after the close of T — the last holdings known
// when the decision is made — not from the weights drifted to the close of T+1, which depend on day
// T+1's returns. What is decided is then a trade, Δw = w* − h_T (the penalised optimum minus h_T),
// and the execution at T+1 applies that trade to the drifted holdings (as orders in shares would):
// an asset the optimiser holds is not traded, so the turnover paid is the one the penalty priced,
// not that plus a daily trade back against the drift. With a penalty the allocation of day T needs
// the execution through T: the two interleave, one close at a time (`StrategyExecution`). The
// band and the schedule act only at the execution, on the day of the trade.
import type { RunConfig, TradingSchedule } from '../config.ts';
import type { TradePenalty } from '../allocation/index.ts';
import { PortfolioSimulation, type ExecutionResult, type TradingRules } from './execution.ts';
import { isMonthEnd } from './schedule.ts';
import { dayFromIso } from '../data/dates.ts';

/** Monday-based week number (day 0, 1970-01-01, was a Thursday, so day + 3 counts from a Monday). */
function weekNumber(iso: string): number {
  return Math.floor((dayFromIso(iso) + 3) / 7);
}

/** The last trading day of its calendar week (Monday to Sunday): the next trading day is in a later week. */
export function isWeekEnd(dates: readonly string[], t: number): boolean {
  return t + 1 < dates.length && weekNumber(dates[t + 1]!) !== weekNumber(dates[t]!);
}

/**
 * The days on which a strategy may trade, as a 0/1 mask over `dates`, or undefined for every day.
 * The last day of the data is never a week or month end (its period may go on), as for the EW
 * benchmark's quarter ends (method §9).
 */
export function tradingDayMask(dates: readonly string[], schedule: TradingSchedule): Uint8Array | undefined {
  if (schedule === 'daily') return undefined;
  const end = schedule === 'weekly' ? isWeekEnd : isMonthEnd;
  const mask = new Uint8Array(dates.length);
  for (let t = 0; t < dates.length; t++) if (end(dates, t)) mask[t] = 1;
  return mask;
}

/** The execution rules of the run's strategies (missing fields, as in configurations older than them, are off). */
export function tradingRules(config: RunConfig, dates: readonly string[]): TradingRules {
  const mask = tradingDayMask(dates, config.rebalance ?? 'daily');
  const rules: TradingRules = {};
  if (mask) rules.tradeDay = (t) => mask[t] === 1;
  const band = config.noTradeBand ?? 0;
  if (band > 0) rules.noTradeBand = band;
  return rules;
}

/**
 * The execution of one strategy under the run's turnover controls. The backtest's allocation loop
 * asks `penaltyAt(t, targets)` for the day's trade penalty (which simulates the portfolio through
 * the close of t first, when there is a penalty), and `finish(targets)` runs the rest.
 */
export class StrategyExecution {
  private readonly sim: PortfolioSimulation;
  private readonly gamma: number;
  /** Row t+1: h_T, the holdings a penalised target decided at T was measured from (NaN: none). */
  private readonly from: Float64Array | undefined;
  private readonly N: number;

  constructor(returns: Float64Array, T: number, N: number, config: RunConfig, dates: readonly string[]) {
    this.sim = new PortfolioSimulation(returns, T, N, config.costBps, tradingRules(config, dates));
    this.gamma = config.tradePenalty ?? 0;
    this.N = N;
    if (this.gamma > 0) this.from = new Float64Array(T * N).fill(NaN);
  }

  /**
   * The trade penalty for the target decided at the close of t (traded at t+1): γ and the
   * holdings after the close of t. Undefined without a penalty, and before the first position
   * (buying from cash costs Σ|w| = 1 whatever the weights, so the penalty is a constant then).
   */
  penaltyAt(t: number, targets: Float64Array): TradePenalty | undefined {
    if (!this.from) return undefined;
    this.sim.advance(targets, t, this.from);
    const h = this.sim.holdings();
    if (!h) return undefined;
    if ((t + 2) * this.N <= this.from.length) this.from.set(h, (t + 1) * this.N);
    return { gamma: this.gamma, holdings: h };
  }

  /** The whole run of the strategy (targets complete). */
  finish(targets: Float64Array): ExecutionResult {
    return this.sim.finish(targets, this.from);
  }
}
