// `cli backtest`: the walk-forward regime-aware backtest on price files (issue 4).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, expandMultiValues, parseCli } from '../args.ts';
import { loadPanel } from '../load-data.ts';
import { defaultConfig, validateConfig, applyOverrides, type RunConfig } from '../../core/config.ts';
import { runBacktest, BacktestDataError, type BacktestResult } from '../../core/backtest/index.ts';
import { panelHash } from '../../core/hash.ts';
import { metricsTable, evidenceTable, factorTable, resultToCsv } from '../../core/backtest/report.ts';

export const help = `Usage: npm run -s cli -- backtest --data FILE_OR_DIR... [--config run.json] [--set key=value ...] --out result.json [--csv DIR]

Runs the walk-forward backtest (monthly sparse-jump-model refits, daily Black-Litterman at a target
tracking error, costs) and prints the metrics table of the strategies, the equal-weight benchmark and
the market, then the per-factor long-short table.

  --data FILE_OR_DIR...  price files or folders of them (any format \`cli import\` reads), or "demo"
                         for the bundled simulated data set
  --config run.json      a run configuration (see README "Settings"); defaults are the method's
  --set key=value ...    override single settings, e.g. --set trainMinYears=5 --set costBps=10
                         --set model.jumpPenalty=30 --set strategies.asymmetric=false
  --out result.json      write the full result object (JSON)
  --csv DIR              also write series.csv, weights_<strategy>.csv and regimes.csv into DIR
  --json                 print the metrics as JSON instead of a table

Exit codes: 0 ok, 2 invalid configuration or unusable data.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'set']), {
    data: { type: 'string', multiple: true }, config: { type: 'string' }, set: { type: 'string', multiple: true },
    out: { type: 'string' }, csv: { type: 'string' }, json: { type: 'boolean' },
  });
  if (!values.out) throw new CliError('--out result.json is required');
  let config: RunConfig = defaultConfig();
  if (values.config) {
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(values.config, 'utf8')); } catch (e) { throw new CliError(`${values.config}: not a readable JSON file (${e instanceof Error ? e.message : e})`); }
    const r = validateConfig(raw);
    if (!r.ok) throw new CliError(`${values.config}: ${r.errors.map((e) => `${e.field || 'config'}: ${e.message}`).join('; ')}`);
    config = r.config;
  }
  if (values.set?.length) {
    const r = applyOverrides(config, values.set);
    if (!r.ok) throw new CliError(r.errors.map((e) => `--set ${e.field}: ${e.message}`).join('; '));
    config = r.config;
  }
  const data = await loadPanel(values.data ?? []);
  const hash = await panelHash(data.panel);
  if (config.dataset && config.dataset.hash && config.dataset.hash !== hash) {
    console.error(`warning: the configuration was made on data set "${config.dataset.name}" (hash ${config.dataset.hash.slice(0, 12)}…) but these files hash to ${hash.slice(0, 12)}…: results will differ`);
  }
  config = { ...config, dataset: { id: hash, name: data.name, hash, firstDate: data.panel.dates[0]!, lastDate: data.panel.dates[data.panel.dates.length - 1]! } };
  let result: BacktestResult;
  try {
    result = runBacktest(data.panel, config);
  } catch (e) {
    if (e instanceof BacktestDataError) throw new CliError(e.message);
    throw e;
  }
  writeFileSync(values.out, JSON.stringify(result));
  if (values.csv) {
    mkdirSync(values.csv, { recursive: true });
    for (const f of resultToCsv(result)) writeFileSync(join(values.csv, f.name), f.text);
  }
  if (values.json) {
    console.log(JSON.stringify({ metrics: Object.fromEntries([...result.strategies, result.equalWeight, result.market].map((s) => [s.key, { ...s.metrics, vsEqualWeight: s.vsEqualWeight, vsMarket: s.vsMarket }])) }, null, 2));
  } else {
    for (const n of result.notes) console.log(`note: ${n}`);
    console.log(`Out of sample ${result.dates[result.evalStartIndex]} to ${result.dates[result.dates.length - 1]} (${data.simulated ? 'simulated demo data' : data.name})\n`);
    console.log(metricsTable(result));
    console.log(`\nEvidence (docs/evidence.md): intervals are 95% stationary-bootstrap percentiles\n${evidenceTable(result)}`);
    console.log(`\n${factorTable(result)}`);
    console.log(`\nResult written to ${values.out} (${Object.entries(result.timings).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')})`);
  }
  return 0;
}
