// Allocation (method.md §8): EWMA covariance, Black-Litterman with regime views, the long-only
// mean-variance QP and tracking-error targeting. Plain Float64Array in and out.
export { EwmaCovariance, ewmaCovariance, ewmaDecay, type EwmaCovarianceOptions } from './covariance.ts';
export { LongOnlyMeanVarianceSolver, solveLongOnlyMeanVariance, type QpOptions, type QpResult, type QpSolver } from './qp.ts';
export {
  BlackLittermanAllocator, blackLitterman, targetTrackingError, trackingError, equalWeights, longShortViewMatrix,
  type BlackLittermanInput, type BlackLittermanPosterior, type TrackingErrorStatus, type TrackingErrorTargetOptions,
  type TrackingErrorTargetResult, type TradePenalty,
} from './black-litterman.ts';
export { TradePenaltySolver, solveTradePenalty, tradePenaltyObjective, type TradePenaltyOptions } from './trade-penalty.ts';
