// chart.js for the tearsheet: the app's lazily loaded chart.js (charts/chartjs.ts) plus what the
// Backtest and Periods screens need on top (bars, filled areas, a category axis). Imported only
// through loadTearsheetCharts(), so none of it is in the initial bundle.
import { BarController, BarElement, CategoryScale, Filler } from 'chart.js';
import { Chart } from '../../charts/chartjs.ts';

Chart.register(BarController, BarElement, CategoryScale, Filler);

export { Chart };
