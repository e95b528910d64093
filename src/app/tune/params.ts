// Candidate parameters for people: "λ = 46.4, κ² = 7.33". Display only.
import type { CandidateParams, ParamName } from '../../core/tuning/types.ts';
import { formatNumber } from '../format.ts';
import { PARAM_SHORT } from './study-form.ts';

const ORDER: ParamName[] = ['jumpPenalty', 'jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures'];

/** Three significant digits (a log grid's 99.99999999999997 reads 100), thousands separators. */
export function formatParam(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const p = Number(v.toPrecision(3));
  const digits = Math.abs(p) >= 100 ? 0 : Math.abs(p) >= 10 ? 1 : 2;
  return formatNumber(p, digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

export function formatParams(p: CandidateParams | Record<string, number | undefined> | null | undefined): string {
  if (!p) return '—';
  const parts: string[] = [];
  for (const k of ORDER) {
    const v = (p as Record<string, number | undefined>)[k];
    if (v !== undefined) parts.push(`${PARAM_SHORT[k]} = ${formatParam(v)}`);
  }
  return parts.join(', ');
}

export function paramNamesOf(p: CandidateParams): ParamName[] {
  return ORDER.filter((k) => p[k] !== undefined);
}
