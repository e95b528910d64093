// Axis and tooltip labels of the tearsheet charts (display only: no computation on the data).
import { formatNumber, formatPercent } from '../../format.ts';

export type ValueFormat = 'percent' | 'ratio' | 'growth';

/** Decimals a tick spacing needs (0.94, 0.96 … or 2, 4 …). */
function digitsFor(step: number, scale = 1): number {
  if (!(step > 0) || !Number.isFinite(step)) return 2;
  return Math.min(4, Math.max(0, Math.ceil(-Math.log10(step * scale) - 1e-9)));
}

/** A y tick label; `all` are the values of every tick (for the decimals), `log` for a log axis. */
export function valueTick(v: number, format: ValueFormat, all: number[], log = false): string {
  if (log) {
    const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    if (![1, 2, 5].some((k) => Math.abs(m - k) < 1e-6)) return '';
    return formatNumber(v, v >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log10(v) - 1e-9)));
  }
  let step = Infinity;
  for (let k = 1; k < all.length; k++) step = Math.min(step, Math.abs(all[k]! - all[k - 1]!));
  if (format === 'percent') return formatPercent(v, { digits: digitsFor(step, 100) });
  return formatNumber(v, digitsFor(step));
}

/** A value in a tooltip. */
export function valueText(v: number | null | undefined, format: ValueFormat): string {
  if (format === 'percent') return formatPercent(v);
  if (format === 'growth') return formatNumber(v, 3);
  return formatNumber(v, 2);
}
