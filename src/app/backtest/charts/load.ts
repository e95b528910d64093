// Lazy access to the tearsheet's chart.js (setup.ts), and the colours of the run's series.
import type { Chart as ChartType } from 'chart.js';
import { loadChartJs } from '../../charts/load.ts';

let loading: Promise<typeof ChartType> | undefined;

export function loadTearsheetCharts(): Promise<typeof ChartType> {
  // through loadChartJs, so that chart.js is warmed up (charts/chartjs.ts warmUp) before the first chart
  const p = (loading ??= Promise.all([import('./setup.ts'), loadChartJs()]).then(([m]) => m.Chart));
  p.catch(() => { if (loading === p) loading = undefined; }); // a failed chunk load may work next time
  return p;
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export interface SeriesLook { color: string; dash: number[]; width: number }

/**
 * One look per series of a run, the same on every chart (Okabe-Ito, global.css): the strategies
 * in blue and orange, the equal-weight benchmark in green (dashed), the market in black (dotted).
 * The dashes keep the benchmarks apart even in greyscale.
 */
export function seriesLook(key: string): SeriesLook {
  switch (key) {
    case 'symmetric': return { color: cssVar('--series-1', '#0072b2'), dash: [], width: 1.8 };
    case 'asymmetric': return { color: cssVar('--series-2', '#e69f00'), dash: [], width: 1.8 };
    case 'equalWeight': return { color: cssVar('--series-3', '#009e73'), dash: [6, 3], width: 1.5 };
    case 'market': return { color: cssVar('--series-7', '#000000'), dash: [2, 2], width: 1.3 };
    default: return { color: cssVar('--series-5', '#56b4e9'), dash: [], width: 1.5 };
  }
}

/** Colour of the i-th asset in the allocation chart (market first, then the factors). */
export function assetColour(i: number): string {
  const order = [7, 1, 2, 3, 4, 5, 6, 8];
  const k = order[i % order.length]!;
  const fallback = ['#000000', '#0072b2', '#e69f00', '#009e73', '#d55e00', '#56b4e9', '#cc79a7', '#f0e442'][k - 1]!;
  return cssVar(`--series-${k}`, fallback);
}

/** `#rrggbb` with an alpha, for fills. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
