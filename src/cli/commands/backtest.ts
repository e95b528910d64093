// `cli backtest`: the walk-forward regime-aware backtest on price files.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, expandMultiValues, parseCli } from '../args.ts';
import type { BacktestResult } from '../../core/backtest/index.ts';
import { CliPipeline, PIPELINE_HELP, PIPELINE_OPTIONS, loadRun, loadRunConfig } from '../run-pipeline.ts';
import { metricsTable, evidenceTable, factorTable, decadeTable, resultToCsv } from '../../core/backtest/report.ts';

export const help = `Usage: npm run -s cli -- backtest --data FILE_OR_DIR... [--config run.json] [--set key=value ...] --out result.json
         [--csv DIR] [--workers N] [--cache DIR] [--json]

Runs the walk-forward backtest (monthly sparse-jump-model refits, daily Black-Litterman at a target
tracking error, costs) and prints the metrics table of the strategies, the equal-weight benchmark and
the market, then the per-factor long-short table, and the same metrics per decade when the
out-of-sample period spans several. The configuration is fitted to the data as the app fits it (each
change is printed): on Ken French's daily factor files it runs on the universe built from their
long-short returns (market Mkt-RF + RF, each factor the overlay "market + factor", a research proxy,
not a fund; RF the daily risk-free rate) without further flags; see docs/long-history.md.

  --data FILE_OR_DIR...  price files or folders of them (any format \`cli import\` reads), or "demo"
                         for the bundled simulated data set
  --config run.json      a run configuration (see README "Settings"); defaults are the method's
  --set key=value ...    override single settings, e.g. --set trainMinYears=5 --set costBps=10
                         --set model.jumpPenalty=30 --set strategies.asymmetric=false
  --out result.json      write the full result object (JSON)
  --csv DIR              also write series.csv, weights_<strategy>.csv and regimes.csv into DIR
  --json                 print the metrics as JSON instead of a table
${PIPELINE_HELP}

The result JSON has "runStats": {"workers", "fitsComputed", "fitsFromCache", "wallMs", "stages"}:
how the result was made. Everything else in it is the same for any --workers and cache state.

Exit codes: 0 ok, 2 invalid configuration or unusable data.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'set']), {
    data: { type: 'string', multiple: true }, config: { type: 'string' }, set: { type: 'string', multiple: true },
    out: { type: 'string' }, csv: { type: 'string' }, json: { type: 'boolean' }, ...PIPELINE_OPTIONS,
  });
  if (!values.out) throw new CliError('--out result.json is required');
  const say = values.json ? (s: string) => console.error(s) : (s: string) => console.log(s);
  const { data, hash, config } = await loadRun(values.data ?? [], loadRunConfig(values.config, values.set), say);
  const pipeline = new CliPipeline(data.panel, hash, values);
  let result: BacktestResult;
  try {
    result = await pipeline.run(config);
  } finally {
    await pipeline.close();
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
    const decades = decadeTable(result);
    if (decades) console.log(`\nBy decade of the out-of-sample period (each decade measured on its own days):\n\n${decades}`);
    const st = result.runStats;
    console.log(`\nResult written to ${values.out} (${(st.wallMs / 1000).toFixed(1)} s on ${st.workers} worker${st.workers === 1 ? '' : 's'}: ` +
      `${st.fitsComputed} models fitted, ${st.fitsFromCache} from the cache)`);
  }
  return 0;
}
