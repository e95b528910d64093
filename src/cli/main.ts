// `npm run -s cli -- <command> [options]`: the node command line over src/core.
// Each command lives in src/cli/commands/<name>.ts and exports `run(argv): Promise<number>` and `help`.
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CliError } from './args.ts';

const COMMANDS: Record<string, string> = {
  import: 'Import price files and print the report and panel summary',
  demo: 'Write the simulated demo data set as CSV files (+ manifest)',
  fit: 'Fit a jump model (jm | sjm | cjm) to a feature matrix',
  backtest: 'Run the walk-forward regime-aware backtest',
  metrics: 'Performance metrics table for any daily return series',
  tune: 'Hyperparameter search per factor (grid | random | tpe)',
  report: 'Results tables for the README (default and 5-year minimum windows)',
  compare: 'Two to four backtest results side by side, with differences and settings',
};

const here = dirname(fileURLToPath(import.meta.url));

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v}`).join('\n');
  return `Usage: npm run -s cli -- <command> [options]\n\nCommands:\n${rows}\n\nRun a command with --help for its options.`;
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(usage()); return cmd ? 0 : 2; }
  const file = join(here, 'commands', `${cmd}.ts`);
  if (!(cmd in COMMANDS) || !existsSync(file)) { console.error(`Unknown command "${cmd}".\n\n${usage()}`); return 2; }
  const mod = (await import(pathToFileURL(file).href)) as { run(argv: string[]): Promise<number>; help: string };
  if (rest.includes('--help') || rest.includes('-h')) { console.log(mod.help); return 0; }
  return mod.run(rest);
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  if (err instanceof CliError) { console.error(`error: ${err.message}`); process.exitCode = err.exitCode; return; }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
