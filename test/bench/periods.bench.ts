// `npm run bench -- periods`: the Periods screen's table (core periodTable, method.md §10 and §12)
// on a synthetic 100-year run (about 25,000 weekdays: two strategies, EW and the market, a
// constant risk-free rate), over its default windows (the full run, trailing years, "since"
// windows, the decades and every calendar year), and over one added custom window. One thread,
// median of 5 runs after one warm-up run. Plain script, prints figures.
import { performance } from 'node:perf_hooks';
import { periodTable, defaultPeriodWindows, customPeriodWindow, type PeriodInput, type PeriodWindow } from '../../src/core/metrics/periods.ts';
import { Rng } from '../../src/core/random.ts';
import { returnEvidence, returnEvidenceOfSeries } from '../../src/core/metrics/evidence.ts';

function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  let t = Date.parse(`${start}T00:00:00Z`);
  while (out.length < n) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

const DAYS = 26_000;
const rng = new Rng(1);
const dates = weekdays('1923-01-02', DAYS);
const series = (key: string, vol: number) => ({
  key, label: key,
  returns: Float64Array.from({ length: DAYS }, () => (rng.next() - 0.49) * vol),
  turnover: Float64Array.from({ length: DAYS }, () => (rng.next() < 0.05 ? rng.next() * 0.2 : 0)),
});
const input: PeriodInput = {
  dates, rf: 0.02, equalWeightKey: 'equalWeight', marketKey: 'market',
  series: [series('symmetric', 0.03), series('asymmetric', 0.03), series('equalWeight', 0.025), series('market', 0.025)],
};
const windows = defaultPeriodWindows(dates);
const custom = (customPeriodWindow('1970-03-01', '1999-12-31') as { window: PeriodWindow }).window;

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
function time(f: () => unknown): number {
  f();
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); f(); ms.push(performance.now() - t0); }
  return median(ms);
}

console.log(`synthetic run: ${DAYS} days (${dates[0]} to ${dates[DAYS - 1]}), ${input.series.length} series, ${windows.length} default windows`);
console.log(`periodTable, default windows:      ${time(() => periodTable(input, windows)).toFixed(0).padStart(6)} ms`);
console.log(`periodTable, one custom window:    ${time(() => periodTable(input, [custom])).toFixed(0).padStart(6)} ms`);
console.log(`periodTable, defaults + the custom: ${time(() => periodTable(input, [...windows, custom])).toFixed(0).padStart(5)} ms`);

// The evidence of every window, side by side in this run: one bootstrap per series and window (each
// series with both benchmarks, as returnEvidence alone does) against one per window for all series
// without the benchmarks against themselves (what periodTable does). The same intervals, bit for bit.
const cut = windows.map((w) => periodTable(input, [w]).rows[0]!).filter((r) => r.days > 0);
const perSeries = () => cut.map(({ start, end }) => {
  const ew = input.series[2]!.returns.subarray(start, end), mkt = input.series[3]!.returns.subarray(start, end);
  return input.series.map((s) => returnEvidence(s.returns.subarray(start, end), { rf: 0.02, benchmarks: [ew, mkt] }));
});
const perWindow = () => cut.map(({ start, end }) => {
  const ew = input.series[2]!.returns.subarray(start, end), mkt = input.series[3]!.returns.subarray(start, end);
  return returnEvidenceOfSeries(input.series.map((s) => s.returns.subarray(start, end)), { rf: 0.02, benchmarks: [ew, mkt], skip: (i, b) => i === b + 2 });
});
const a = time(perSeries), b = time(perWindow);
console.log(`evidence of ${cut.length} windows, one bootstrap per series: ${a.toFixed(0).padStart(6)} ms`);
console.log(`evidence of ${cut.length} windows, one bootstrap per window: ${b.toFixed(0).padStart(6)} ms  (${(a / b).toFixed(1)}× faster)`);
