// `npm run -s cli -- demo --out public/demo [--seed 42]`: writes the simulated demo data set as the
// CSV files a person would bring (one Yahoo-style file per ETF, FRED-style files for VIX and the
// yields) plus a manifest with its content hash. The files in public/demo are made by this command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, parseCli } from '../args.ts';
import { generateDemoPanel, panelToCsvFiles, panelHash, DEMO_DATASET_NAME, DEMO_SEED } from '../../core/data/index.ts';

export const help = `Usage: npm run -s cli -- demo --out DIR [--seed ${DEMO_SEED}] [--start 2004-01-02] [--end 2025-12-31]

Simulate the demo data set ("${DEMO_DATASET_NAME}": SPY, QUAL, MTUM, USMV, VLUE, SIZE, IWF, VIX,
DGS2, DGS10 on US business days) and write it as CSV files into DIR, with manifest.json
(name, seed, dates, files, SHA-256 content hash of the panel) and a README.md saying that the
prices are simulated. The same seed always gives the same
files. public/demo holds the output of: npm run -s cli -- demo --out public/demo`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
  });
  if (!values.out) throw new CliError('--out DIR is required (e.g. --out public/demo)');
  const seed = values.seed === undefined ? DEMO_SEED : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be a whole number in [0, 4294967295], got "${values.seed}"`);
  let panel;
  try {
    panel = generateDemoPanel(seed, { ...(values.start ? { start: values.start } : {}), ...(values.end ? { end: values.end } : {}) });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  const files = panelToCsvFiles(panel);
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  mkdirSync(out, { recursive: true });
  for (const f of files) writeFileSync(join(out, f.name), f.text);
  const hash = await panelHash(panel);
  const manifest = {
    name: DEMO_DATASET_NAME, simulated: true, seed, hash,
    firstDate: panel.dates[0], lastDate: panel.dates[panel.dates.length - 1], rows: panel.dates.length,
    files: files.map((f) => f.name),
    series: panel.series.map((s) => ({ ticker: s.ticker, role: s.role, kind: s.kind })),
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, 'README.md'), `# ${DEMO_DATASET_NAME}

SIMULATED prices, not market data: the output of \`npm run -s cli -- demo --out public/demo --seed ${seed}\`
(src/core/data/demo.ts). One Yahoo-style \`Date,Adj Close\` file per ETF and FRED-style \`DATE,<series>\`
files for VIX (VIXCLS) and the 2- and 10-year Treasury yields (DGS2, DGS10, percent), the formats the
importer expects. Importing them gives back the demo panel (content hash ${hash}).
`);
  console.log(`${DEMO_DATASET_NAME}: seed ${seed}, ${panel.dates.length} business days ${manifest.firstDate} … ${manifest.lastDate}`);
  console.log(`wrote ${files.length} CSV files and manifest.json to ${values.out} (panel hash ${hash})`);
  return 0;
}

// Also runnable directly (npx tsx src/cli/commands/demo.ts --out public/demo) while the dispatcher
// in src/cli/main.ts does not list `demo`.
if (process.argv[1] && /commands[\\/]demo\.ts$/.test(process.argv[1])) {
  run(process.argv.slice(2)).then((c) => { process.exitCode = c; }, (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  });
}
