// Hyperparameter search (method.md §7): search spaces, samplers (grid, random, TPE), the study
// runner, selection (static and rolling), JSON for studies, the candidate evaluator (walk-forward
// path of one factor) and applying a selection to a run configuration. See README "Hyperparameter search".
export * from './types.ts';
export * from './space.ts';
export * from './sampler.ts';
export * from './select.ts';
export * from './study.ts';
export * from './serialize.ts';
export * from './evaluate.ts';
export * from './apply.ts';
export { deriveSeed } from './rng.ts';
