// Fitting a run configuration to a data set lives in core (src/core/universe.ts), so that the page,
// the workers and the command line treat the same configuration and data the same way.
export { datasetRef, sameDataset, fitConfigToDataset, type DatasetLike, type FittedConfig } from '../../core/universe.ts';
