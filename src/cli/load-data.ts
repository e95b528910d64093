// Read price files (or folders of them) from disk and import them into one panel, for the CLI
// commands that run on data (backtest, tune). `demo` stands for the bundled simulated data set.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { importFiles } from '../core/data/index.ts';
import type { Panel } from '../core/data/panel.ts';
import type { ImportInput } from '../core/data/types.ts';
import { CliError } from './args.ts';

const DATA_EXT = /\.(csv|txt|tsv)$/i;

/** Expand files and folders (non-recursive, *.csv|*.txt|*.tsv) into import inputs, sorted by name. */
export function readInputs(paths: readonly string[]): ImportInput[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new CliError(`${p}: no such file or folder`);
    if (statSync(p).isDirectory()) {
      const inside = readdirSync(p).filter((f) => DATA_EXT.test(f)).sort().map((f) => join(p, f));
      if (!inside.length) throw new CliError(`${p}: the folder has no .csv, .txt or .tsv files`);
      files.push(...inside);
    } else files.push(p);
  }
  return files.map((f) => ({ name: basename(f), bytes: new Uint8Array(readFileSync(f)) }));
}

export interface LoadedData {
  panel: Panel;
  name: string;
  simulated: boolean;
  warnings: number;
  /** The import's range message ("… range starts … because …; ends 2022-12-30 because Mom ends then."). */
  range?: string;
  /** Warnings about the panel as a whole (a mixed set of long-short returns and prices, …). */
  panelWarnings?: string[];
}

/** Import the files into a panel, or the demo panel for the single argument `demo`. */
export async function loadPanel(paths: readonly string[]): Promise<LoadedData> {
  if (paths.length === 1 && paths[0] === 'demo') {
    const { generateDemoPanel, DEMO_DATASET_NAME } = await import('../core/data/demo.ts');
    return { panel: generateDemoPanel(), name: DEMO_DATASET_NAME, simulated: true, warnings: 0 };
  }
  if (!paths.length) throw new CliError('--data is required: give price files, a folder of them, or "demo"');
  const result = importFiles(readInputs(paths));
  if (result.ambiguities.length) {
    throw new CliError(`dates are ambiguous (day/month order) in ${result.ambiguities.map((a) => a.file).join(', ')}: run \`cli import\` with --date-order FILE=mdy|dmy to check, then fix the files`);
  }
  if (!result.panel) {
    const reasons = result.reports.flatMap((r) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.file}: ${i.message}`));
    throw new CliError(`no usable data: ${reasons.slice(0, 5).join('; ') || 'no file could be read'}`);
  }
  const warnings = result.reports.reduce((s, r) => s + r.issues.filter((i) => i.severity === 'warning').length, 0);
  const panelWarnings = (result.panelReport?.issues ?? []).filter((i) => i.severity !== 'info').map((i) => `${i.message} — ${i.action}`);
  return { panel: result.panel, name: paths.map((p) => basename(p)).join('+'), simulated: false, warnings, range: result.panelReport?.message, panelWarnings };
}
