// Public API of the regime engine (method.md §3-§5). See README "Regimes".
export { fitJumpModel, fitContinuousJumpModel, scalarPenaltyMatrix, asymmetricPenaltyMatrix, simplexGrid, cjmPenaltyMatrix, empiricalTransmat } from './jump.ts';
export { fitSparseJumpModel, solveLasso, betweenClusterSS } from './sparse.ts';
export { onlineLabels, onlineProba, predictLabels, predict } from './inference.ts';
export { regimeStats } from './stats.ts';
export { kmeansppRows } from './kmeanspp.ts';
export { setPathReplay, pathReplayCount } from './em.ts';
export type {
  BaseJumpOptions, JumpModelOptions, ContinuousJumpModelOptions, SparseJumpModelOptions,
  FittedModel, JumpModelResult, SparseJumpModelResult, RegimeStats, IterationInfo,
} from './types.ts';
