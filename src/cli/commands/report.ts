// `cli report`: the README's results section, from the project's own backtest: the paper's defaults
// (8-year minimum training) and a 5-year minimum, as markdown tables with the paper's factor figures.
import { writeFileSync } from 'node:fs';
import { expandMultiValues, parseCli } from '../args.ts';
import { loadPanel } from '../load-data.ts';
import { defaultConfig, type RunConfig } from '../../core/config.ts';
import { panelHash } from '../../core/hash.ts';
import { CliPipeline, PIPELINE_HELP, PIPELINE_OPTIONS } from '../run-pipeline.ts';
import { metricsTable, factorTable } from '../../core/backtest/report.ts';
import { sweepReport } from '../sweep.ts';

export const help = `Usage: npm run -s cli -- report --data FILE_OR_DIR... [--out results.md] [--workers N] [--cache DIR]
       npm run -s cli -- report --data FILE_OR_DIR... --sweep field=v1,v2,... [--set key=value ...] [--json] [--out FILE] [--workers N] [--cache DIR]

Runs the default configuration (8-year minimum training window, both strategies) and the same with a
5-year minimum, and prints markdown tables: metrics of the strategies, EW and the market, and per
factor the long-short Sharpe and switches per year beside the paper's. \`npm run results\` runs it on
../shared/data/market.

With --sweep, runs the default configuration (with any --set overrides) once per value of one
setting (a number, whole-number, choice or true/false field, e.g. noTradeBand=0,0.01,0.02,0.05,
tradePenalty=0,0.0005,0.001, rebalance=daily,weekly,monthly) and prints per value and strategy: net
CAGR, active return, TE and IR against EW, turnover and costs a year (--json: as JSON). The regime
models are fitted once: only allocation and execution depend on these settings.

${PIPELINE_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'set']), { data: { type: 'string', multiple: true }, out: { type: 'string' },
    sweep: { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' }, ...PIPELINE_OPTIONS });
  if (values.sweep !== undefined) {
    let pipeline: Promise<CliPipeline> | null = null;
    try {
      return await sweepReport(() => loadPanel(values.data ?? []), { sweep: values.sweep, set: values.set, json: values.json, out: values.out },
        (data) => async (config) => (await (pipeline ??= panelHash(data.panel).then((key) => new CliPipeline(data.panel, key, values)))).run(config));
    } finally {
      if (pipeline) await (await pipeline).close();
    }
  }
  const data = await loadPanel(values.data ?? []);
  const pipeline = new CliPipeline(data.panel, await panelHash(data.panel), values);
  const runs: [string, (c: RunConfig) => void][] = [
    ['Paper defaults: 8-year minimum training window', () => {}],
    ['5-year minimum training window', (c) => { c.trainMinYears = 5; }],
  ];
  const parts: string[] = [];
  try {
    for (const [title, edit] of runs) {
      const config = defaultConfig();
      edit(config);
      const r = await pipeline.run(config);
      const secs = (r.runStats.wallMs / 1000).toFixed(1);
      parts.push(`#### ${title}\n\nOut of sample ${r.dates[r.evalStartIndex]} to ${r.dates[r.dates.length - 1]}; λ = ${config.model.jumpPenalty}, κ² = ${config.model.maxFeatures}; asymmetric λ_enter = ${config.asymmetric.jumpPenaltyEnter}, λ_exit = ${config.asymmetric.jumpPenaltyExit}; TE target ${(config.trackingErrorTarget * 100).toFixed(0)}%, ${config.costBps} bps costs (run took ${secs} s on ${r.runStats.workers} workers).\n${r.notes.map((n) => `\n- ${n}`).join('')}\n\n${metricsTable(r, true)}\n\n${factorTable(r, true, true)}\n`);
    }
  } finally {
    await pipeline.close();
  }
  const text = parts.join('\n');
  if (values.out) writeFileSync(values.out, text);
  console.log(text);
  return 0;
}
