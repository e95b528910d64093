// chart.js plugins shared by the app's charts (display only).
import type { Plugin } from 'chart.js';

/** A dashed vertical line at day index `index` (e.g. the out-of-sample start), labelled `label →`. */
export function dayMarkerPlugin(index: number | null | undefined, label: string): Plugin {
  return {
    id: 'dayMarker',
    afterDatasetsDraw(c) {
      if (index === null || index === undefined) return;
      const x = c.scales.x?.getPixelForValue(index);
      const area = c.chartArea;
      if (x === undefined || !Number.isFinite(x) || x < area.left || x > area.right) return;
      const ctx = c.ctx;
      ctx.save();
      ctx.strokeStyle = '#56606b';
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, area.top);
      ctx.lineTo(x, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#56606b';
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      ctx.fillText(`${label} →`, x + 4, area.top + 2);
      ctx.restore();
    },
  };
}
