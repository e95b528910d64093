// Panel helpers around storage and the command line: JSON without typed arrays, and re-alignment of
// a stored panel when the user edits roles (roles are editable).
import type { AssetRole, Panel } from './panel.ts';
import type { ImportOptions } from './types.ts';
import type { ParsedSeries } from './parse.ts';
import { buildPanel, type BuildPanelResult } from './align.ts';
import { dayFromIso } from './dates.ts';

export interface PanelJson {
  dates: string[];
  series: { ticker: string; role: AssetRole; kind: 'price' | 'level'; values: (number | null)[]; lastObserved?: string; fromReturns?: true }[];
}

/** Typed arrays as plain arrays, NaN as null: for JSON output. */
export function panelToJson(panel: Panel): PanelJson {
  return {
    dates: panel.dates.slice(),
    series: panel.series.map((s) => ({ ticker: s.ticker, role: s.role, kind: s.kind, values: Array.from(s.values, (v) => (Number.isNaN(v) ? null : v)), ...(s.lastObserved ? { lastObserved: s.lastObserved } : {}), ...(s.fromReturns ? { fromReturns: true as const } : {}) })),
  };
}

export function panelFromJson(j: PanelJson): Panel {
  return {
    dates: j.dates.slice(),
    series: j.series.map((s) => ({ ticker: s.ticker, role: s.role, kind: s.kind, values: Float64Array.from(s.values, (v) => (v === null ? NaN : v)), ...(typeof s.lastObserved === 'string' ? { lastObserved: s.lastObserved } : {}), ...(s.fromReturns === true ? { fromReturns: true as const } : {}) })),
  };
}

/**
 * Re-align a stored panel under new roles (options.roles over the panel's current roles). The
 * calendar can only shrink: dates the stored panel left out are gone; re-import the files to get
 * them back. Empty (NaN) values count as absent rows.
 */
export function rebuildPanel(panel: Panel, options: ImportOptions = {}): BuildPanelResult {
  const days = Int32Array.from(panel.dates, dayFromIso);
  const series: ParsedSeries[] = panel.series.map((s) => {
    let n = 0;
    for (let i = 0; i < s.values.length; i++) if (!Number.isNaN(s.values[i]!)) n++;
    const d = new Int32Array(n), v = new Float64Array(n), l = new Int32Array(n);
    for (let i = 0, j = 0; i < s.values.length; i++) if (!Number.isNaN(s.values[i]!)) { d[j] = days[i]!; v[j] = s.values[i]!; l[j] = i + 1; j++; }
    return { ticker: s.ticker, file: '(stored panel)', source: 'panel', columnKind: s.fromReturns ? 'return' : s.kind, kind: s.kind, days: d, values: v, lines: l };
  });
  const roles: Record<string, AssetRole> = {};
  for (const s of panel.series) roles[s.ticker] = s.role;
  return buildPanel(series, { ...options, roles: { ...roles, ...(options.roles ?? {}) } });
}
