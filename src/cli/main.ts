// `npm run -s cli -- <command> [options]`: the node command line over src/core.
// Each command lives in src/cli/commands/<name>.ts and exports `run(argv): Promise<number>` and `help`.
// Commands are loaded on demand (one dynamic import each), so a call loads only its own code; `npm
// run cli` runs a bundle of this file made by launch.mjs (no TypeScript compiled on each call).
import { CliError } from './args.ts';

interface Command { run(argv: string[]): Promise<number>; help: string }

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  import: { summary: 'Import price files and print the report and panel summary', load: () => import('./commands/import.ts') },
  demo: { summary: 'Write the simulated demo data set as CSV files (+ manifest)', load: () => import('./commands/demo.ts') },
  fit: { summary: 'Fit a jump model (jm | sjm | cjm) to a feature matrix', load: () => import('./commands/fit.ts') },
  backtest: { summary: 'Run the walk-forward regime-aware backtest', load: () => import('./commands/backtest.ts') },
  metrics: { summary: 'Performance metrics table for any daily return series', load: () => import('./commands/metrics.ts') },
  tune: { summary: 'Hyperparameter search per factor (grid | random | tpe)', load: () => import('./commands/tune.ts') },
  report: { summary: 'Results tables for the README (default and 5-year minimum windows; the long history of Ken French factors)', load: () => import('./commands/report.ts') },
  'demo-cache': { summary: 'Regime paths of the demo\'s default run, shipped for the first open', load: () => import('./commands/demo-cache.ts') },
  signal: { summary: 'Today\'s regimes, target weights and trades for the next close', load: () => import('./commands/signal.ts') },
  compare: { summary: 'Two to four backtest results side by side, with differences and settings', load: () => import('./commands/compare.ts') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v.summary}`).join('\n');
  return `Usage: npm run -s cli -- <command> [options]\n\nCommands:\n${rows}\n\nRun a command with --help for its options.`;
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(usage()); return cmd ? 0 : 2; }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!entry) { console.error(`Unknown command "${cmd}".\n\n${usage()}`); return 2; }
  const mod = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) { console.log(mod.help); return 0; }
  return mod.run(rest);
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  if (err instanceof CliError) { console.error(`error: ${err.message}`); process.exitCode = err.exitCode; return; }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
