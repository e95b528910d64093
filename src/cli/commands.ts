// The command line's commands: name, one-line summary, and the module (loaded on demand, so a call
// loads only its own code). main.ts dispatches on it; `cli docs` writes docs/cli.md from it.
export interface Command { run(argv: string[]): Promise<number>; help: string }

export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  import: { summary: 'Import price files and print the report and panel summary', load: () => import('./commands/import.ts') },
  demo: { summary: 'Write the simulated demo data set as CSV files (+ manifest)', load: () => import('./commands/demo.ts') },
  fit: { summary: 'Fit a jump model (jm | sjm | cjm) to a feature matrix', load: () => import('./commands/fit.ts') },
  backtest: { summary: 'Run the walk-forward regime-aware backtest', load: () => import('./commands/backtest.ts') },
  signal: { summary: 'Today\'s regimes, target weights and trades for the next close', load: () => import('./commands/signal.ts') },
  metrics: { summary: 'Performance metrics table for any daily return series', load: () => import('./commands/metrics.ts') },
  compare: { summary: 'Two to four backtest results side by side, with differences and settings', load: () => import('./commands/compare.ts') },
  tune: { summary: 'Hyperparameter search per factor (grid | random | tpe)', load: () => import('./commands/tune.ts') },
  report: { summary: 'Results tables for the README (default and 5-year minimum windows; the long history of Ken French factors)', load: () => import('./commands/report.ts') },
  docs: { summary: 'Write docs/settings.md and docs/cli.md from the code', load: () => import('./commands/docs.ts') },
  'demo-cache': { summary: 'Regime paths of the demo\'s default run, shipped for the first open', load: () => import('./commands/demo-cache.ts') },
};

/** The commands in the order of `--help`. */
export const COMMAND_LIST = Object.entries(COMMANDS).map(([name, c]) => ({ name, ...c }));
