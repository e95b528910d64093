// `npm run -s cli -- <command> [options]`: the node command line over src/core.
// Each command lives in src/cli/commands/<name>.ts and exports `run(argv): Promise<number>` and `help`.
// Commands are loaded on demand (one dynamic import each), so a call loads only its own code; `npm
// run cli` runs a bundle of this file made by launch.mjs (no TypeScript compiled on each call).
import { CliError } from './args.ts';

import { COMMANDS } from './commands.ts';

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
