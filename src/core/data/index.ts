// The data-import API: src/core/data's public surface for the Data screen, the import
// worker, storage and the CLI. Everything here is plain data in, plain data out.
export type { Panel, PanelSeries, AssetRole } from './panel.ts';
export { DEFAULT_MARKET, DEFAULT_FACTORS, DEFAULT_ENVIRONMENT, FACTOR_NAMES, seriesByRole, findSeries, sameTicker } from './panel.ts';
export type {
  ImportInput, ImportOptions, ImportResult, ImportIssue, FileReport, PanelReport, DateAmbiguity, ColumnKind, DateOrder, Severity,
} from './types.ts';
export { importFiles, failureReasons } from './import.ts';
export { parseFile, type ParsedSeries, type ParsedFile, STALE_RUN } from './parse.ts';
export { buildPanel, DEFAULT_MAX_FORWARD_FILL, type BuildPanelResult } from './align.ts';
export { assignDefaultRoles, resolveRoles, defaultRole, combinationMessage, roleName, isMarketExcessName, ASSET_ROLES, type SeriesHolds } from './roles.ts';
export { tickerFromFileName, normaliseTicker, cleanTicker } from './tickers.ts';
export { summarisePanel, type PanelSummary, type SeriesSummary } from './summary.ts';
export { panelFromJson, panelToJson, rebuildPanel } from './panel-util.ts';
export { generateDemoPanel, simulateDemo, panelToCsvFiles, DEMO_DATASET_NAME, DEMO_SEED, type DemoOptions, type DemoSimulation } from './demo.ts';
export { panelHash, sha256Hex, serialisePanel } from '../hash.ts';
