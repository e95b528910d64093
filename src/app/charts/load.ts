// Lazy access to chart.js (chart-heavy code loads on demand, the initial JavaScript stays
// small). The first call fetches the chunk; later calls reuse it.
import type { Chart as ChartType } from 'chart.js';

let loading: Promise<typeof ChartType> | undefined;

export function loadChartJs(): Promise<typeof ChartType> {
  return (loading ??= import('./chartjs.ts').then(async (m) => { await m.warmUp(); return m.Chart; }));
}

/**
 * The series colours (Okabe-Ito, colour-blind safe, from global.css), in order, plus a dash
 * pattern per round so a ninth series still differs from the first.
 */
export function seriesStyle(i: number): { color: string; dash: number[] } {
  const css = getComputedStyle(document.documentElement);
  const colours: string[] = [];
  for (let k = 1; k <= 8; k++) colours.push(css.getPropertyValue(`--series-${k}`).trim() || '#000000');
  const dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
  return { color: colours[i % colours.length], dash: dashes[Math.floor(i / colours.length) % dashes.length] };
}
