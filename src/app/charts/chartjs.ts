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

export { Chart };
