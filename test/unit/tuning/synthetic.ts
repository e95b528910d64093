// Synthetic candidates for the tuning tests: a weekday calendar and a deterministic evaluator whose
// long-short path depends on the parameters only (like the real walk-forward backtest must).
import { Rng } from '../../../src/core/random.ts';
import { deriveSeed } from '../../../src/core/tuning/rng.ts';
import type { CandidateParams, CandidatePath, Evaluator } from '../../../src/core/tuning/types.ts';

/** Weekdays from `start` (ISO), n of them. */
export function weekdayCalendar(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A stable seed from a candidate's parameter values. */
export function paramsSeed(params: CandidateParams, salt = 0): number {
  const keys = Object.keys(params).sort() as (keyof CandidateParams)[];
  return deriveSeed(salt, ...keys.flatMap((k) => [k, params[k]!]));
}

/**
 * Long-short returns: NaN for the first `warmup` days, then noise plus a drift whose size depends on
 * the parameters and whose sign cycles slowly, so different candidates lead at different times.
 */
export function syntheticPath(dates: string[], params: CandidateParams, warmup = 300): CandidatePath {
  const T = dates.length;
  const x = new Float64Array(T).fill(NaN);
  const rng = new Rng(paramsSeed(params));
  const lam = Math.log10(params.jumpPenalty ?? params.jumpPenaltyEnter ?? 10);
  const k = params.maxFeatures ?? 5;
  const phase = lam * 2.1 + k * 0.37;
  for (let t = warmup; t < T; t++) {
    x[t] = 0.0004 * Math.sin(t / 150 + phase) + 0.0002 * (1 - Math.abs(lam - 1.5)) + 0.006 * rng.normal();
  }
  const labels = new Int8Array(T).fill(-1);
  for (let t = warmup; t < T; t++) labels[t] = x[t]! > 0 ? 0 : 1;
  return { params, dates, longShort: x, labels };
}

/** A random delay source independent of the study (varies completion order between runs). */
export function jitter(seed: number, maxMs: number): () => Promise<void> {
  const rng = new Rng(seed);
  return () => new Promise((r) => setTimeout(r, Math.floor(rng.next() * maxMs)));
}

/** Evaluator over syntheticPath with random delays; optionally fails for some parameters. */
export function syntheticEvaluator(dates: string[], opts: { delaySeed?: number; maxDelayMs?: number; failIf?: (p: CandidateParams) => boolean; calls?: { n: number } } = {}): Evaluator {
  const wait = jitter(opts.delaySeed ?? 1, opts.maxDelayMs ?? 4);
  return async (params) => {
    if (opts.calls) opts.calls.n++;
    await wait();
    if (opts.failIf?.(params)) throw new Error(`synthetic failure for λ=${params.jumpPenalty}`);
    return syntheticPath(dates, params);
  };
}
