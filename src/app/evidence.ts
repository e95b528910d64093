// The evidence of method.md §12 in words and numbers for people: intervals, probabilities, track
// records, and the plain sentence that says whether a result can be told from zero (or from a
// benchmark) at 95%. Pure functions over values core computed (src/core/metrics/evidence.ts); the
// Backtest, Periods and Compare screens use them. No DOM: testable in node.
import type { Interval } from '../core/metrics/evidence.ts';
import { formatNumber, formatPercent, formatRatio, MISSING } from './format.ts';

/** "−0.13 to 1.53" (ratios) or "−1.59% to 2.20%" (percent). */
export function formatInterval(ci: Interval | null | undefined, percent = false): string {
  if (!ci) return MISSING;
  const f = (x: number) => (percent ? formatPercent(x) : formatRatio(x));
  return `${f(ci[0])} to ${f(ci[1])}`;
}

/** A probability as a percent with one decimal: "90.3%". */
export function formatProbability(p: number | null | undefined): string {
  return formatPercent(p, { digits: 1 });
}

/** Years of track record: "6.6 years", "more than 100 years". */
export function formatYears(y: number | null | undefined): string {
  if (y === null || y === undefined || !Number.isFinite(y)) return MISSING;
  if (y > 100) return 'more than 100 years';
  return `${formatNumber(y, 1)} year${y === 1 ? '' : 's'}`;
}

export type Verdict = 'above' | 'below' | 'undecided' | 'unknown';

/** Where a 95% interval lies relative to zero. */
export function verdict(ci: Interval | null | undefined): Verdict {
  if (!ci) return 'unknown';
  if (ci[0] > 0) return 'above';
  if (ci[1] < 0) return 'below';
  return 'undecided';
}

export interface SharpeFacts {
  sharpe: number | null;
  sharpeCI?: Interval | null;
  probabilisticSharpe?: number | null;
  minTrackRecordYears?: number | null;
  days: number;
}

export interface ActiveFacts {
  informationRatio: number | null;
  informationRatioCI?: Interval | null;
  activeReturn: number | null;
  activeReturnCI?: Interval | null;
  probabilisticInformationRatio?: number | null;
  informationRatioMinTrackRecordYears?: number | null;
  days: number;
}

const NO_EVIDENCE = 'no interval: this result was computed by an older version of Helix — run it again to see it.';

function trackRecord(value: number | null, needed: number | null | undefined, days: number, what: string, zero: string): string {
  const have = days / 252;
  if (value === null || !(value > 0)) return `With ${what} at or below ${zero}, no track record length would show it above ${zero}.`;
  if (needed === null || needed === undefined) return '';
  if (needed <= have) return `The ${formatYears(have)} of this run are more than the ${formatYears(needed)} that returns like these need for 95% confidence that ${what} is above ${zero}.`;
  return `Returns like these would need about ${formatYears(needed)} for 95% confidence that ${what} is above ${zero}; this run has ${formatYears(have)}.`;
}

/**
 * "Sharpe 0.64, 95% interval −0.13 to 1.53: it cannot be told from zero at 95% (P(Sharpe > 0) =
 * 90.3%). Returns like these would need about 6.6 years…"
 */
export function sharpeSentence(f: SharpeFacts): string {
  const head = `Sharpe ${formatRatio(f.sharpe)}`;
  if (!f.sharpeCI) return `${head}: ${NO_EVIDENCE}`;
  const v = verdict(f.sharpeCI);
  const p = f.probabilisticSharpe === null || f.probabilisticSharpe === undefined ? '' : ` (probability that the true Sharpe ratio is above zero: ${formatProbability(f.probabilisticSharpe)})`;
  const said = v === 'above' ? 'it can be told from zero at 95%: the interval lies above zero'
    : v === 'below' ? 'it is below zero at 95%: the interval lies below zero'
    : 'it cannot be told from zero at 95%: the interval includes zero';
  return `${head}, 95% interval ${formatInterval(f.sharpeCI)}: ${said}${p}. ${trackRecord(f.sharpe, f.minTrackRecordYears, f.days, 'the Sharpe ratio', 'zero')}`.trim();
}

/**
 * "Against EW: IR 0.17, 95% interval −0.75 to 1.05 (active return 0.36% a year, −1.59% to 2.20%):
 * it cannot be told from the benchmark at 95%. …"
 */
export function activeSentence(benchmark: string, f: ActiveFacts): string {
  const head = `Against ${benchmark}: information ratio ${formatRatio(f.informationRatio)}`;
  if (!f.informationRatioCI) return `${head}: ${NO_EVIDENCE}`;
  const v = verdict(f.informationRatioCI);
  const ar = f.activeReturnCI ? ` (active return ${formatPercent(f.activeReturn)} a year, interval ${formatInterval(f.activeReturnCI, true)})` : '';
  const said = v === 'above' ? `it can be told from ${benchmark} at 95%: it beat it`
    : v === 'below' ? `it can be told from ${benchmark} at 95%: it fell short of it`
    : `it cannot be told from ${benchmark} at 95%`;
  return `${head}, 95% interval ${formatInterval(f.informationRatioCI)}${ar}: ${said}. ${trackRecord(f.informationRatio, f.informationRatioMinTrackRecordYears, f.days, 'the information ratio', 'zero')}`.trim();
}
