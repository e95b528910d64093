// The signal a daily rebalancer acts on (method.md §6 timing, §12 "the signal"): with data through
// the close of T, each factor's online regime at T, the Black-Litterman target decided at T (to
// trade at the close of the next trading day), what changed since the day before and since the last
// refit, and — given the holdings — the trades, their turnover and cost. Everything is read from a
// backtest result of the same data and configuration, so the signal is exactly what the backtest
// would trade next (the no-look-ahead test in test/unit/signal.test.ts checks it on extended data).
import Papa from 'papaparse';
import type { BacktestResult, LatestDecision } from './backtest/index.ts';
import type { StrategyKind, TradingSchedule } from './config.ts';
import { findSeries, sameTicker, type Panel } from './data/panel.ts';
import { dayFromIso, daysFromCivil, isoFromDay, weekday } from './data/dates.ts';
import { tradingDayMask } from './backtest/trading.ts';
import { stateName } from './regime/names.ts';

export type RegimeName = string;

export interface SignalFactor {
  /** The online regime at the last close: 'bull' and 'bear' at the ends, 'neutral' in the middle of three, else 'state k' (1-based, as on the screens). */
  regime: RegimeName;
  /** 0 = bull … K−1 = bear. */
  regimeIndex: number;
  /** First day of the current spell of this regime, and its length in trading days (through the last close). */
  since: string;
  days: number;
  /** Expected annualised active return of the regime (the Black-Litterman view, method §8). */
  expectedActiveReturn: number;
  /** The last refit: its date, and its model's in-sample regime on its last training day. */
  lastRefit: { date: string; regime: RegimeName; regimeIndex: number } | null;
  /** When the next refit is due: the first trading day of this month (if not yet past) or of the month after. */
  nextRefit: string;
}

export interface Trade {
  ticker: string;
  /** Current weight (after the last close), target weight, and the trade (target − current). */
  current: number;
  target: number;
  trade: number;
  /** With holdings given in units and prices: units to buy (+) or sell (−) at the given prices. */
  units?: number;
}

export interface Signal {
  /** The last close whose data decided the signal. */
  asOf: string;
  /** The next trading day, when the target is traded at the close (the next weekday: holidays are not known). */
  tradeOn: string;
  strategy: StrategyKind;
  dataset: { name: string; hash: string } | null;
  factors: Record<string, SignalFactor>;
  /** Target weights to hold after the close of `tradeOn`. */
  targetWeights: Record<string, number>;
  /** The target decided at the previous close, and the change since; the same against the last refit day. */
  previousTargetWeights: Record<string, number> | null;
  changeSincePrevious: Record<string, number> | null;
  lastRefitTargetWeights: Record<string, number> | null;
  changeSinceLastRefit: Record<string, number> | null;
  /** Ex-ante tracking error against EW, the view confidence, and whether the TE target was reachable. */
  exAnteTrackingError: number;
  confidence: number;
  trackingErrorStatus: 'ok' | 'below' | 'above';
  /** The turnover controls in force (method §12) and what they do on `tradeOn`. */
  controls: {
    rebalance: string;
    /** Whether `tradeOn` is a trading day of the schedule (estimated from weekdays for weekly and monthly). */
    tradesOnTradeDay: boolean;
    noTradeBand: number;
    tradePenalty: number;
  };
  /** Given holdings: the trade list, its one-way distance, turnover and cost at the configured bps. */
  trades?: Trade[];
  turnover?: number;
  oneWayDistance?: number;
  cost?: number;
  /** With a no-trade band: whether the band skips this trade (then no trade is made). */
  bandSkips?: boolean;
  notes: string[];
}

const isWeekendDay = (z: number) => weekday(z) === 0 || weekday(z) === 6;

/** The first weekday on or after day number `z`, as an ISO date. */
function weekdayFrom(z: number): string {
  while (isWeekendDay(z)) z++;
  return isoFromDay(z);
}

/** The next weekday after an ISO date (a trading calendar's holidays are not known ahead). */
export function nextWeekday(date: string): string {
  return weekdayFrom(dayFromIso(date) + 1);
}

/** The regime's name in the signal: the screens' state name (core regime/names.ts) in lower case. */
const regimeName = (k: number, K: number): RegimeName => stateName(k, K).toLowerCase();

/**
 * Whether the backtest's schedule (method §12) trades on `day`: its own rule (backtest/trading.ts
 * tradingDayMask) on `day` followed by the next weekday, the trading day after it as far as it is
 * known ahead.
 */
function isScheduledTradeDay(day: string, schedule: TradingSchedule): boolean {
  const mask = tradingDayMask([day, nextWeekday(day)], schedule);
  return !mask || mask[0] === 1;
}

const byTicker = (tickers: readonly string[], w: readonly number[]) => Object.fromEntries(tickers.map((t, i) => [t, w[i]!]));
const minus = (tickers: readonly string[], a: readonly number[], b: readonly number[]) => Object.fromEntries(tickers.map((t, i) => [t, a[i]! - b[i]!]));

/** The signal of `result` for one of its strategies (default: the first). */
export function signalFromResult(result: BacktestResult, strategy?: StrategyKind): Signal {
  const kind = strategy ?? result.strategies[0]?.key as StrategyKind;
  const decision: LatestDecision | undefined = result.latest?.[kind];
  if (!decision) throw new Error(`This result has no ${kind ?? ''} strategy decision: run the backtest with that strategy on (and with this version of Helix).`);
  const tickers = result.tickers;
  const dates = result.dates;
  const last = dates.length - 1;
  const K = result.config.model.k;
  const factors: Record<string, SignalFactor> = {};
  for (const f of result.factors) {
    const r = f.regimes[kind];
    if (!r) continue;
    const k = r.labels[last];
    if (k === null || k === undefined) continue;
    let start = last;
    while (start > 0 && r.labels[start - 1] === k) start--;
    const lastRefit = r.refits[r.refits.length - 1];
    const inSampleLast = r.inSample?.labels[r.inSample.labels.length - 1];
    factors[f.ticker] = {
      regime: regimeName(k, K), regimeIndex: k, since: dates[start]!, days: last - start + 1,
      expectedActiveReturn: r.expectedActiveReturn[last] ?? NaN,
      lastRefit: lastRefit ? { date: lastRefit.date, regime: regimeName(inSampleLast ?? 0, K), regimeIndex: inSampleLast ?? 0 } : null,
      nextRefit: nextRefitDate(dates[last]!, r.refits.map((x) => x.date), result.config.refitFrequency),
    };
  }
  const c = result.config;
  const tradeOn = nextWeekday(decision.date);
  const rebalance = c.rebalance ?? 'daily';
  const tradesOnTradeDay = isScheduledTradeDay(tradeOn, rebalance);
  const notes: string[] = [];
  if (!tradesOnTradeDay) notes.push(`The strategy trades ${rebalance} (the last trading day of the ${rebalance === 'weekly' ? 'week' : 'month'}): ${tradeOn} is not one, so the holdings drift until then.`);
  if (decision.status !== 'ok') notes.push(`The ${(c.trackingErrorTarget * 100).toFixed(1)}% tracking-error target is out of reach today (${decision.status === 'below' ? 'even the strongest views stay below it' : 'even the weakest views exceed it'}): the nearest end is used.`);
  if (c.tradePenalty > 0) notes.push(`With a trade penalty the target depends on what is held: it was measured from the backtest's own holdings after the last close; with other holdings, the trade differs.`);
  return {
    asOf: decision.date, tradeOn, strategy: kind,
    dataset: c.dataset ? { name: c.dataset.name, hash: c.dataset.hash } : null,
    factors,
    targetWeights: byTicker(tickers, decision.weights),
    previousTargetWeights: decision.previous ? byTicker(tickers, decision.previous.weights) : null,
    changeSincePrevious: decision.previous ? minus(tickers, decision.weights, decision.previous.weights) : null,
    lastRefitTargetWeights: decision.atLastRefit ? byTicker(tickers, decision.atLastRefit.weights) : null,
    changeSinceLastRefit: decision.atLastRefit ? minus(tickers, decision.weights, decision.atLastRefit.weights) : null,
    exAnteTrackingError: decision.trackingError, confidence: decision.confidence, trackingErrorStatus: decision.status,
    controls: { rebalance, tradesOnTradeDay, noTradeBand: c.noTradeBand ?? 0, tradePenalty: c.tradePenalty ?? 0 },
    notes,
  };
}

/** The first trading day of the month after `last` that the refit schedule uses (method §6), as a date estimate. */
export function nextRefitDate(last: string, refitDates: readonly string[], frequency: string): string {
  const months = frequency === 'quarterly' ? 3 : 1;
  const prev = refitDates[refitDates.length - 1];
  let y = Number(last.slice(0, 4)), m = Number(last.slice(5, 7));
  if (prev) { y = Number(prev.slice(0, 4)); m = Number(prev.slice(5, 7)); }
  // The month of the next refit: `months` after the last refit's month, and after the last close's month.
  let ny = y, nm = m + months;
  while (nm > 12) { nm -= 12; ny++; }
  const lastMonth = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7));
  while (ny * 12 + nm <= lastMonth) { nm += months; while (nm > 12) { nm -= 12; ny++; } }
  // The first weekday of that month.
  return weekdayFrom(daysFromCivil(ny, nm, 1));
}

/** The last close of each of `tickers` in `panel` (the prices holdings in units default to); tickers without one are left out. */
export function lastPrices(panel: Panel, tickers: readonly string[]): Record<string, number> {
  const last = panel.dates.length - 1;
  const out: Record<string, number> = {};
  for (const t of tickers) {
    const v = findSeries(panel, t)?.values[last];
    if (v !== undefined && Number.isFinite(v)) out[t] = v;
  }
  return out;
}

export class HoldingsError extends Error {}

/** Holdings as a person gives them: weights, or units (with prices, or the last close's prices). */
export type Holdings = { kind: 'weights'; weights: Record<string, number> } | { kind: 'units'; units: Record<string, number>; prices: Record<string, number> };

/**
 * Reads holdings from CSV text: `ticker,weight` (weights, or percents with %), or `ticker,units[,price]`
 * (prices default to `lastPrices`). A header row is required; tickers match in any case. Tickers not
 * in the universe and negative holdings are refused with the row and what to do.
 */
export function parseHoldings(text: string, universe: readonly string[], lastPrices?: Record<string, number>): Holdings {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').trim(), { skipEmptyLines: true }).data;
  if (!rows.length) throw new HoldingsError('The holdings are empty: give a header (ticker,weight or ticker,units,price) and one row per asset.');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const ti = col(['ticker', 'symbol', 'asset']);
  const wi = col(['weight', 'weights', 'w']);
  const ui = col(['units', 'shares', 'quantity', 'qty']);
  const pi = col(['price', 'close', 'last']);
  if (ti < 0 || (wi < 0 && ui < 0)) throw new HoldingsError(`The holdings need a header with "ticker" and "weight" (or "units", with "price"); got "${rows[0]!.join(',')}".`);
  const weights: Record<string, number> = {}, units: Record<string, number> = {}, prices: Record<string, number> = {};
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    // More cells than the header has columns: most often a decimal comma ("QUAL,98,5%") split a number.
    if (row.length > header.length && row.slice(header.length).some((c) => c.trim() !== '')) {
      throw new HoldingsError(`Holdings row ${r + 1} has ${row.length} cells but the header has ${header.length} columns ("${row.join(',')}"): write decimals with a point (98.5%, not 98,5%), or quote a value that holds a comma.`);
    }
    const raw = (row[ti] ?? '').trim();
    const ticker = universe.find((t) => sameTicker(t, raw));
    if (!ticker) throw new HoldingsError(`Holdings row ${r + 1}: "${raw}" is not an asset of the universe (${universe.join(', ')}); hold only those, or leave the row out.`);
    const num = (i: number, what: string): number => {
      const s = (row[i] ?? '').trim();
      const pct = s.endsWith('%');
      const body = (pct ? s.slice(0, -1) : s).trim();
      // Thousands separators only where they group digits by three ("1,234.5"); any other comma is a
      // decimal comma, which is refused rather than dropped ("0,5" would read as 5).
      const grouped = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(body);
      const v = body === '' ? NaN : Number(grouped ? body.replace(/,/g, '') : body);
      if (!grouped && body.includes(',')) throw new HoldingsError(`Holdings row ${r + 1}, ${what} of ${ticker}: "${s}" has a decimal comma: write it with a point (${body.replace(',', '.')}${pct ? '%' : ''}).`);
      if (!Number.isFinite(v) || v < 0) throw new HoldingsError(`Holdings row ${r + 1}, ${what} of ${ticker}: "${s}" is not a number ≥ 0.`);
      return pct ? v / 100 : v;
    };
    if (wi >= 0) weights[ticker] = (weights[ticker] ?? 0) + num(wi, 'weight');
    else {
      units[ticker] = (units[ticker] ?? 0) + num(ui, 'units');
      const p = pi >= 0 ? num(pi, 'price') : lastPrices?.[ticker];
      if (!(p !== undefined && p > 0)) throw new HoldingsError(`Holdings row ${r + 1}: no price for ${ticker}; add a "price" column.`);
      prices[ticker] = p;
    }
  }
  return wi >= 0 ? { kind: 'weights', weights } : { kind: 'units', units, prices };
}

/**
 * The trades from `holdings` to the signal's target: per asset current weight, target, trade (and
 * units when holdings are in units), the one-way distance ½·Σ|trade|, turnover Σ|trade| and its cost
 * at `costBps`, and whether a no-trade band would skip it. Weights given that do not sum to 1 are
 * refused (a cash position is not part of this universe).
 */
export function withTrades(signal: Signal, holdings: Holdings, costBps: number): Signal {
  const tickers = Object.keys(signal.targetWeights);
  let current: Record<string, number>;
  let value = 0;
  if (holdings.kind === 'weights') {
    current = Object.fromEntries(tickers.map((t) => [t, holdings.weights[t] ?? 0]));
  } else {
    for (const t of tickers) value += (holdings.units[t] ?? 0) * (holdings.prices[t] ?? 0);
    if (!(value > 0)) throw new HoldingsError('The holdings are worth nothing at these prices: give units and prices of what is held.');
    current = Object.fromEntries(tickers.map((t) => [t, ((holdings.units[t] ?? 0) * (holdings.prices[t] ?? 0)) / value]));
  }
  const sum = tickers.reduce((a, t) => a + current[t]!, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new HoldingsError(`The weights sum to ${(sum * 100).toFixed(2)}%, not 100%: give the whole portfolio (this universe has no cash).`);
  const trades: Trade[] = tickers.map((t) => {
    const trade = signal.targetWeights[t]! - current[t]!;
    const out: Trade = { ticker: t, current: current[t]!, target: signal.targetWeights[t]!, trade };
    if (holdings.kind === 'units') out.units = (trade * value) / holdings.prices[t]!;
    return out;
  });
  const turnover = trades.reduce((a, x) => a + Math.abs(x.trade), 0);
  const band = signal.controls.noTradeBand;
  const bandSkips = band > 0 && turnover / 2 <= band;
  const notes = [...signal.notes];
  if (bandSkips) notes.push(`The one-way distance to the target (${((turnover / 2) * 100).toFixed(2)}%) is within the ${(band * 100).toFixed(2)}% no-trade band: the strategy would not trade.`);
  return { ...signal, trades, turnover, oneWayDistance: turnover / 2, cost: (costBps / 1e4) * turnover, bandSkips, notes };
}
