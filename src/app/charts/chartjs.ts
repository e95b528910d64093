// chart.js with only the pieces the app uses registered (tree-shaken). Loaded lazily through
// load.ts so chart.js never sits in the initial bundle. Later screens register what else they
// need (e.g. BarController, Filler) here.
import {
  Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation);

const css = getComputedStyle(document.documentElement);
Chart.defaults.font.family = css.fontFamily || 'system-ui, sans-serif';
Chart.defaults.color = css.getPropertyValue('--fg').trim() || '#1b1f24';
Chart.defaults.borderColor = css.getPropertyValue('--grid').trim() || '#e3e6ea';
Chart.defaults.animation = false;

/**
 * chart.js's first chart on a page runs its code cold (interpreted, empty caches) and, on top,
 * makes the page lay itself out: together a long main-thread task (100-190 ms measured). This
 * builds and destroys a small chart on a detached canvas first, in a task of its own, so that the
 * cold-code part never lands in the same task as the first real chart (no main-thread
 * task over 100 ms while workers run).
 */
export async function warmUp(): Promise<void> {
  const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  await nextTask();
  let chart: Chart | null = null;
  try {
    // task 1: configuration, scales and the first (empty) draw
    const canvas = document.createElement('canvas');
    canvas.width = 300; canvas.height = 150;
    chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: { responsive: false, animation: false, parsing: false, normalized: true, scales: { x: { type: 'linear' }, y: { type: 'logarithmic' } } },
    });
  } catch { /* a warm-up only */ }
  await nextTask();
  try {
    // task 2: a data set, its elements and the draw of a line
    if (chart) {
      const data = Array.from({ length: 64 }, (_, i) => ({ x: i, y: 1 + Math.sin(i / 5) / 10 }));
      chart.data.datasets = [{ label: 'warm-up', data, pointRadius: 0 }];
      chart.update('none');
    }
  } catch { /* a warm-up only */ }
  chart?.destroy();
  await nextTask();
}

export { Chart };
