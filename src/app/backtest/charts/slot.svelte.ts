// The life of one chart.js chart in a component (TimeChart, BarChart, RegimeChart): chart.js
// loaded on demand, the chart built in a task of its own (queue.ts) and rebuilt when its inputs
// change, errors shown in words, the chart destroyed with the component, a PNG download.
import type { Chart as ChartType } from 'chart.js';
import { loadTearsheetCharts } from './load.ts';
import { queueChartTask } from './queue.ts';
import { downloadCanvasPng } from '../../export/download.ts';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class ChartSlot {
  ready = $state(false);
  problem = $state<string | null>(null);
  #chart: ChartType | null = null;

  /**
   * Call from an `$effect` that reads everything the chart shows, and return what this returns:
   * the chart is (re)built by `build` in its own task; `measure` names a performance measure of
   * the build (for devtools and the bundle benchmark).
   */
  draw(title: string, build: (Chart: typeof ChartType) => ChartType, measure?: string): () => void {
    let cancelled = false;
    let unqueue = () => {};
    this.ready = false;
    loadTearsheetCharts().then(
      (Chart) => {
        if (cancelled) return;
        unqueue = queueChartTask(() => {
          if (cancelled) return;
          this.#chart?.destroy();
          this.#chart = null;
          const t0 = performance.now();
          try {
            this.#chart = build(Chart);
            if (measure) performance.measure(measure, { start: t0 });
            this.ready = true;
            this.problem = null;
          } catch (err) {
            this.problem = `The ${title} chart could not be drawn: ${message(err)}.`;
          }
        });
      },
      (err: unknown) => { this.problem = `The charts could not be loaded: ${message(err)}. Reload the page to try again.`; },
    );
    return () => { cancelled = true; unqueue(); };
  }

  destroy(): void {
    this.#chart?.destroy();
    this.#chart = null;
  }

  async savePng(canvas: HTMLCanvasElement | undefined, fileName: string): Promise<void> {
    if (!canvas) return;
    try {
      await downloadCanvasPng(canvas, fileName);
    } catch (err) {
      this.problem = message(err);
    }
  }
}
