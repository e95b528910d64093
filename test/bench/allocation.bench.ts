// Allocation and metrics figures: the daily cost the walk-forward backtest pays.
// Real ETF returns from ../shared/data/market when present, else a synthetic 7-asset series.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwmaCovariance, BlackLittermanAllocator, equalWeights, longShortViewMatrix, solveLongOnlyMeanVariance } from '../../src/core/allocation/index.ts';
import { computeMetrics, rollingSharpe, topDrawdowns, wealthFromReturns, monthlyReturns } from '../../src/core/metrics/index.ts';

const N = 7, FACTORS = [1, 2, 3, 4, 5, 6];
const dir = join(process.cwd(), '..', 'shared', 'data', 'market');
let rows: Float64Array, T: number, dates: string[], source: string;
if (existsSync(join(dir, 'SPY.csv'))) {
  const tickers = ['SPY', 'QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF'];
  const series = tickers.map((t) => new Map(readFileSync(join(dir, `${t}.csv`), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => { const c = l.split(','); return [c[0]!, Number(c[5])] as const; })));
  const d = [...series[0]!.keys()].filter((x) => series.every((m) => Number.isFinite(m.get(x)))).sort();
  T = d.length - 1; dates = d.slice(1); rows = new Float64Array(T * N);
  for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) rows[t * N + i] = series[i]!.get(d[t + 1]!)! / series[i]!.get(d[t]!)! - 1;
  source = `real ETF returns ${dates[0]} … ${dates.at(-1)}`;
} else {
  T = 3200; dates = Array.from({ length: T }, (_, i) => `d${i}`); rows = new Float64Array(T * N);
  let s = 1; const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
  for (let t = 0; t < T; t++) { const m = u() * 0.02; for (let i = 0; i < N; i++) rows[t * N + i] = m * (0.8 + 0.05 * i) + u() * 0.008; }
  source = 'synthetic returns (../shared/data/market not found)';
}
console.log(`data: ${source}, ${T} days × ${N} assets`);

// 1. EWMA covariance, one update + one read per day.
let t0 = performance.now();
const ew = new EwmaCovariance(N, 126);
const S = new Float64Array(N * N);
for (let t = 0; t < T; t++) { ew.update(rows, t * N); ew.covariance(S); }
let ms = performance.now() - t0;
console.log(`EWMA covariance update+read: ${(ms * 1000 / T).toFixed(2)} µs/day (${ms.toFixed(1)} ms for ${T} days)`);

// 2. Daily Black-Litterman + TE targeting, two strategies, regime-like views changing monthly.
const alloc = [new BlackLittermanAllocator(N, 6), new BlackLittermanAllocator(N, 6)];
const P = longShortViewMatrix(N, 0, FACTORS), wb = equalWeights(N);
const ew2 = new EwmaCovariance(N, 126);
let days = 0, evals = 0; const status = { ok: 0, below: 0, above: 0 };
t0 = performance.now();
for (let t = 0; t < T; t++) {
  ew2.update(rows, t * N);
  if (t < 250) continue;
  ew2.covariance(S);
  const month = Math.floor(t / 21);
  for (let k = 0; k < 2; k++) {
    const Q = Float64Array.from(FACTORS, (f) => ((((month + k) * (f + 1)) >> 2) % 2 ? -1 : 1) * (0.01 + 0.006 * f));
    alloc[k]!.prepare({ Sigma: S, wBenchmark: wb, P, Q, riskAversion: 2.5, tau: 0.05 });
    const r = alloc[k]!.targetTrackingError({ target: 0.02 });
    evals += r.evaluations; status[r.status]++; days++;
  }
}
ms = performance.now() - t0;
console.log(`Black-Litterman + TE targeting: ${(ms * 1000 / days).toFixed(1)} µs/day/strategy, ${(evals / days).toFixed(1)} QP solves each; ${days} strategy-days in ${ms.toFixed(0)} ms; status ${JSON.stringify(status)}`);

// 3. The QP alone: active set (cold) vs quadprog.
const mu = Float64Array.from([0.05, 0.08, 0.03, 0.1, 0.02, 0.06, 0.07]);
for (const solver of ['active-set', 'quadprog'] as const) {
  const n = 20000; t0 = performance.now();
  for (let i = 0; i < n; i++) solveLongOnlyMeanVariance(mu, S, 2.5, { solver });
  console.log(`QP ${solver} (cold, 7 assets): ${((performance.now() - t0) * 1000 / n).toFixed(2)} µs/solve`);
}

// 4. Metrics over the whole series (portfolio = equal weight, daily rebalanced, for timing only).
const R = Float64Array.from({ length: T }, (_, t) => { let s = 0; for (let i = 0; i < N; i++) s += rows[t * N + i]! / N; return s; });
const Bm = Float64Array.from({ length: T }, (_, t) => rows[t * N]!);
t0 = performance.now();
for (let k = 0; k < 20; k++) {
  computeMetrics(R, { benchmark: Bm, dates });
  rollingSharpe(R, 252);
  topDrawdowns(wealthFromReturns(R), dates, 5, 1);
  monthlyReturns(R, dates);
}
console.log(`metrics table + rolling Sharpe + top drawdowns + monthly returns: ${((performance.now() - t0) / 20).toFixed(2)} ms per series of ${T} days`);
console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
