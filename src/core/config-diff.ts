// What differs between two run configurations, in words a person reads ("Tracking-error target: 2%
// → 3%"), from the configuration's own field table (config.ts describeConfig), so that a screen can
// say exactly which settings a result on screen belongs to.
import { configValue, describeConfig, type RunConfig } from './config.ts';

function show(v: unknown, percent: boolean): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number' && percent) return `${Number((v * 100).toPrecision(6))}%`;
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' && 'ticker' in x ? (x as { ticker: string }).ticker : String(x))).join(', ');
  return String(v);
}

/** The settings of `b` that differ from `a` (the data set reference aside), one line each. */
export function configDifferences(a: RunConfig, b: RunConfig): string[] {
  const out: string[] = [];
  for (const f of describeConfig()) {
    if (f.path === 'dataset' || f.path.includes('<TICKER>')) continue;
    const x = configValue(a, f.path), y = configValue(b, f.path);
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${f.label}: ${show(x, !!f.percent)} → ${show(y, !!f.percent)}`);
  }
  // Per-factor settings (overrides, penalty matrices, tuned parameter paths).
  const fa = new Map(a.factors.map((f) => [f.ticker.toUpperCase(), f]));
  for (const f of b.factors) {
    const g = fa.get(f.ticker.toUpperCase());
    if (!g) continue;
    const { ticker: _t1, ...x } = g; const { ticker: _t2, ...y } = f;
    void _t1; void _t2;
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${f.ticker}'s own settings: ${JSON.stringify(x) === '{}' ? 'none' : 'changed'} → ${JSON.stringify(y) === '{}' ? 'none' : JSON.stringify(y).slice(0, 120)}`);
  }
  return out;
}
