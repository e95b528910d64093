// Metrics (method.md §10): the performance table, tearsheet series and regime statistics.
export {
  computeMetrics, activeMetrics, maxDrawdownOfReturns, formatMetric, METRIC_DEFINITIONS, MIN_DAYS_FOR_CAGR,
  type PerformanceMetrics, type MetricKey, type MetricFormat, type MetricDefinition, type MetricsOptions,
} from './performance.ts';
export {
  wealthFromReturns, drawdownSeries, topDrawdowns, rollingSharpe, rollingInformationRatio, monthlyReturns, annualReturns,
  dateWindow, type DrawdownEpisode, type PeriodReturn,
} from './series.ts';
export {
  regimeSwitchesPerYear, regimeStatistics, longShortPosition, longShortReturns, type RegimeStatistics, type RegimeStateStats,
} from './regime.ts';
