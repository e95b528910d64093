// How much of a study's best result is selection (method.md §7, §12 "Evidence"): per factor, the
// probability of backtest overfitting of its candidates (CSCV, Bailey, Borwein, López de Prado &
// Zhu 2015) and the deflated Sharpe ratio of the chosen candidate (Bailey & López de Prado 2014).
//
// The candidates are the study's finished trials of the factor; their single-factor long-short
// returns (method.md §6) are compared over the out-of-sample days all of them have. The deflated
// Sharpe ratio takes N = the number of those candidates and V = the variance of their per-day
// Sharpe ratios over the same days, and deflates the chosen candidate's Sharpe ratio over those
// days. The chosen candidate is the static selection's choice, or, in rolling mode, the candidate
// of the latest re-tune (the one a backtest would use today).
import { commonDaysMatrix, probabilityOfBacktestOverfitting, returnMoments, deflatedSharpe, PBO_BLOCKS, TRADING_DAYS } from '../metrics/evidence.ts';
import { candidatesFromStudy, selectForFactor, type Selection } from './select.ts';
import type { StudyState } from './types.ts';

export interface FactorOverfitting {
  /** PBO by CSCV; null when it cannot be computed (see `note`). */
  pbo: number | null;
  blocks: number;
  /** Finished candidates of the factor (N). */
  candidates: number;
  /** DSR of the chosen candidate with N trials; null without a choice or without enough days. */
  deflatedSharpe: number | null;
  chosenTrialId: number | null;
  /** The chosen candidate's annual Sharpe ratio over the common days (the one DSR deflates). */
  sharpe: number | null;
  /** Standard deviation of the candidates' annual Sharpe ratios over the common days (√(252·V)). */
  trialsSharpeStd: number | null;
  /** Out-of-sample days every candidate has, and their first and last date. */
  days: number;
  firstDate: string | null;
  lastDate: string | null;
  /** Why a value is null, in words. */
  note?: string;
}

function chosenTrial(state: StudyState, factor: string, selection: Selection | undefined): number | null {
  let s = selection;
  if (!s) {
    try { s = selectForFactor(state, factor); } catch { return null; }
  }
  if (s.mode === 'static') return s.chosen?.trialId ?? null;
  const path = s.parameterPath;
  return path.length ? path[path.length - 1]!.trialId : null;
}

/** PBO and DSR of one factor of a study. */
export function factorOverfitting(state: StudyState, factor: string, selection?: Selection, blocks = PBO_BLOCKS): FactorOverfitting {
  const cands = candidatesFromStudy(state, factor);
  const dates = state.dates ?? [];
  const N = cands.length;
  const out: FactorOverfitting = {
    pbo: null, blocks, candidates: N, deflatedSharpe: null, chosenTrialId: null, sharpe: null, trialsSharpeStd: null,
    days: 0, firstDate: null, lastDate: null,
  };
  if (N < 2) { out.note = `${N} finished candidate${N === 1 ? '' : 's'}: overfitting needs at least 2`; return out; }
  // The days every candidate has a return (the common out-of-sample span).
  const { keep, matrix: m } = commonDaysMatrix(cands.map((c) => c.longShort), dates.length);
  const T = keep.length;
  out.days = T;
  out.firstDate = T ? dates[keep[0]!]! : null;
  out.lastDate = T ? dates[keep[T - 1]!]! : null;

  if (T >= 2 * blocks) out.pbo = probabilityOfBacktestOverfitting(m, T, N, blocks).pbo;
  else out.note = `${T} common out-of-sample days; ${blocks} blocks need at least ${2 * blocks}`;

  // Per-day Sharpe ratios of the candidates over the common days, and their sample variance V.
  const col = new Float64Array(T);
  const sharpes = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < T; i++) col[i] = m[i * N + j]!;
    const s = returnMoments(col).sharpe;
    sharpes[j] = Number.isFinite(s) ? s : 0; // a flat candidate scores 0, as in selection
  }
  let mean = 0;
  for (let j = 0; j < N; j++) mean += sharpes[j]!;
  mean /= N;
  let V = 0;
  for (let j = 0; j < N; j++) V += (sharpes[j]! - mean) ** 2;
  V /= N - 1;
  out.trialsSharpeStd = T > 1 ? Math.sqrt(V * TRADING_DAYS) : null;

  const chosen = chosenTrial(state, factor, selection);
  out.chosenTrialId = chosen;
  const j = cands.findIndex((c) => c.trialId === chosen);
  if (chosen === null || j < 0) {
    out.note = [out.note, 'no chosen candidate: no deflated Sharpe ratio'].filter(Boolean).join('; ');
    return out;
  }
  for (let i = 0; i < T; i++) col[i] = m[i * N + j]!;
  const mom = returnMoments(col);
  const dsr = deflatedSharpe(mom, N, V);
  out.deflatedSharpe = Number.isFinite(dsr) ? dsr : null;
  out.sharpe = Number.isFinite(mom.sharpe) ? mom.sharpe * Math.sqrt(TRADING_DAYS) : null;
  return out;
}

/** PBO and DSR per factor of a study, keyed by factor ticker (the `overfitting` of `cli tune --out`). */
export function studyOverfitting(state: StudyState, selections: Record<string, Selection> = {}, blocks = PBO_BLOCKS): Record<string, FactorOverfitting> {
  const out: Record<string, FactorOverfitting> = {};
  for (const f of state.definition.factors) out[f] = factorOverfitting(state, f, selections[f], blocks);
  return out;
}

/** Lines for the CLI: one per factor. */
export function overfittingLines(record: Record<string, FactorOverfitting>): string[] {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  const lines = ['Overfitting (CSCV probability of backtest overfitting; deflated Sharpe of the chosen candidate):'];
  for (const [f, o] of Object.entries(record)) {
    lines.push(`  ${f}  PBO ${pct(o.pbo)} (${o.candidates} candidates, ${o.blocks} blocks, ${o.days} common days)` +
      `  ·  chosen #${o.chosenTrialId ?? '—'} Sharpe ${o.sharpe === null ? '—' : o.sharpe.toFixed(2)}, deflated Sharpe ${pct(o.deflatedSharpe)}${o.note ? `  (${o.note})` : ''}`);
  }
  lines.push('  PBO near 50% or above: the best candidate in one half of the days is no better than the median in the other half.');
  return lines;
}
