// Sentences of the "Notes on this run" card that are built from the result (display only).
import type { StrategyDiagnostics } from '../../core/backtest/index.ts';
import { formatDate, formatInteger, formatPercentExact } from '../format.ts';

const STRATEGY_NAME: Record<string, string> = { symmetric: 'Symmetric', asymmetric: 'Asymmetric' };

/**
 * How often the tracking-error target was reached. The counts are of allocation decisions (one at
 * each close from the first refit on, traded at the next close), not of out-of-sample days: the
 * window's first return is earned two days after the first decision and the last decision trades
 * on the last day, so there is one decision more than there are days in the window. The sentence
 * says "decisions" and gives their dates, read from the ex-ante tracking-error series (set on
 * decision days only), so the count and what it counts agree.
 */
export function trackingErrorNote(d: StrategyDiagnostics, target: number, dates: readonly string[]): string {
  const { ok, below, above } = d.trackingErrorOutOfReach;
  const total = ok + below + above;
  let first = -1, last = -1;
  d.exAnteTrackingError.forEach((v, i) => { if (v !== null) { if (first < 0) first = i; last = i; } });
  const span = first >= 0 && dates[first] && dates[last]
    ? ` (made at each close from ${formatDate(dates[first])} to ${formatDate(dates[last])}, each traded at the next close)`
    : '';
  const name = STRATEGY_NAME[d.kind] ?? d.kind;
  const decisions = total === 1 ? 'daily allocation decision' : 'daily allocation decisions';
  const met = ok === total
    ? `was met at ${total === 1 ? 'the' : total === 2 ? 'both' : 'all'} ${formatInteger(total)} ${decisions}${span}`
    : `was met at ${formatInteger(ok)} of the ${formatInteger(total)} ${decisions}${span}; out of reach at ${formatInteger(below)} (views too weak to reach it) and ${formatInteger(above)} (above it even at the lowest confidence)`;
  return `${name} strategy: the ${formatPercentExact(target)} tracking-error target ${met}.`;
}
