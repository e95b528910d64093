// The current weights a person types on the Today screen, one field per asset in percent, read into
// core's holdings (src/core/signal.ts). Each field is read as a percent the way every percent field
// of the app is (format.ts parsePercentInput): "1,5" is refused with a message, not cut at the comma.
import type { Holdings } from '../../core/signal.ts';
import { parsePercentInput } from '../format.ts';

export type TypedWeights = { holdings: Holdings | null; error: string | null };

/**
 * The weights typed for `tickers` (text per ticker, in percent; an empty field is 0), or null when
 * nothing is typed; a field that is not a percent ≥ 0 gives an error saying which asset and what to
 * type. Whether the weights sum to 100% is core's check (withTrades).
 */
export function typedWeights(typed: Readonly<Record<string, string | undefined>>, tickers: readonly string[]): TypedWeights {
  const text = (t: string) => (typed[t] ?? '').trim();
  if (!tickers.some((t) => text(t) !== '')) return { holdings: null, error: null };
  const weights: Record<string, number> = {};
  const problems: string[] = [];
  for (const t of tickers) {
    const s = text(t);
    if (s === '') { weights[t] = 0; continue; }
    const x = parsePercentInput(s);
    if (x === null) problems.push(`The current weight of ${t}, “${s}”, is not a percent: type a number such as 25 or 12.5 (with a point for decimals, not a comma).`);
    else if (x < 0) problems.push(`The current weight of ${t}, “${s}”, is negative: type the weight held, 0 or more.`);
    else weights[t] = x;
  }
  if (problems.length) return { holdings: null, error: problems.join(' ') };
  return { holdings: { kind: 'weights', weights }, error: null };
}
