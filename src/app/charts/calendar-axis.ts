// The x axis of every chart over trading days (tearsheet, regimes, prices): a linear axis over the
// day index whose ticks are calendarTicks(), set after chart.js has built its own, so each tick is
// on the first trading day of a year / quarter / month and says which. The number of ticks follows
// the chart's width (a tick per ~70 px, at most `maxTicks`).
import type { Scale } from 'chart.js';
import { calendarTicks } from './calendar-ticks.ts';

/** Width a tick label needs, with room between labels ("Jan 2014" at 12 px is about 50 px). */
const PX_PER_TICK = 70;

/**
 * chart.js options for the x scale of a chart whose points have x = index into `dates()`.
 * `dates` is a function so that a chart updated in place (new data, same chart) reads the new dates.
 */
export function calendarAxis(dates: () => readonly string[], maxTicks = 16) {
  const labels = new Map<number, string>();
  return {
    type: 'linear' as const,
    min: 0,
    max: Math.max(0, dates().length - 1),
    grid: { display: false },
    afterBuildTicks(scale: Scale) {
      const ds = dates();
      const fit = Math.max(2, Math.min(maxTicks, Math.floor((scale.width || PX_PER_TICK * maxTicks) / PX_PER_TICK)));
      const { ticks } = calendarTicks(ds, fit, scale.min, scale.max);
      labels.clear();
      for (const t of ticks) labels.set(t.index, t.label);
      scale.ticks = ticks.map((t) => ({ value: t.index }));
    },
    ticks: {
      maxRotation: 0,
      callback: (v: number | string) => labels.get(Number(v)) ?? '',
    },
  };
}
