// `cli report`: the README's results section, from the project's own backtest: the paper's defaults
// (8-year minimum training) and a 5-year minimum on the ETF data, and — with --long-history — the
// paper's defaults on a universe built from Ken French's daily long-short factor returns
// (method.md §12), with its decade table. Markdown tables with the paper's factor figures.
import { writeFileSync } from 'node:fs';
import { expandMultiValues, parseCli, CliError } from '../args.ts';
import { loadPanel, type LoadedData } from '../load-data.ts';
import { defaultConfig, type RunConfig } from '../../core/config.ts';
import type { BacktestResult } from '../../core/backtest/index.ts';
import { metricsTable, evidenceTable, factorTable, decadeTable, paperComparison } from '../../core/backtest/report.ts';
import { fitConfigToDataset } from '../../core/universe.ts';
import { panelHash } from '../../core/hash.ts';
import { CliPipeline, loadRun, PIPELINE_HELP, PIPELINE_OPTIONS } from '../run-pipeline.ts';
import { sweepReport } from '../sweep.ts';

export const help = `Usage: npm run -s cli -- report [--data FILE_OR_DIR...] [--long-history FILE_OR_DIR...] [--out results.md] [--workers N] [--cache DIR]
       npm run -s cli -- report --data FILE_OR_DIR... --sweep field=v1,v2,... [--set key=value ...] [--json] [--out FILE] [--workers N] [--cache DIR]

Runs the default configuration (8-year minimum training window, both strategies) and the same with a
5-year minimum on --data, and the default configuration on --long-history (Ken French's daily factor
files: the universe is built from the long-short factor returns, see docs/long-history.md), and
prints markdown tables: metrics of the strategies, EW and the market, per factor the long-short
Sharpe and switches per year beside the paper's, and for the long history the same metrics per
decade. Each run's time is printed with it. \`npm run results\` runs it on ../shared/data/market
and ../shared/data/french.

With --sweep, runs the default configuration (with any --set overrides) once per value of one
setting (a number, whole-number, choice or true/false field, e.g. noTradeBand=0,0.01,0.02,0.05,
tradePenalty=0,0.0005,0.001, rebalance=daily,weekly,monthly) and prints per value and strategy: net
CAGR, active return, TE and IR against EW, turnover and costs a year (--json: as JSON). The regime
models are fitted once: only allocation and execution depend on these settings.

${PIPELINE_HELP}`;

/** One run of the results: a titled configuration, already fitted to its data. */
export interface ResultsRun {
  title: string;
  data: LoadedData;
  dataKey: string;
  config: RunConfig;
  /** What fitting the configuration to the data changed (src/core/universe.ts). */
  changes: string[];
  /** Decade table and comparison with the paper's factors (the long-history table). */
  longHistory: boolean;
}

export interface ResultsOutput { run: ResultsRun; result: BacktestResult; seconds: number }

/**
 * Every results run goes through this one function: the pipeline (regime paths on worker threads,
 * from the cache where named there), one data set after the other, its runs in order.
 */
export async function computeResults(runs: readonly ResultsRun[], options: { workers?: string; cache?: string }): Promise<ResultsOutput[]> {
  const out: ResultsOutput[] = [];
  const pipelines = new Map<string, CliPipeline>();
  try {
    for (const run of runs) {
      let p = pipelines.get(run.dataKey);
      if (!p) { p = new CliPipeline(run.data.panel, run.dataKey, options); pipelines.set(run.dataKey, p); }
      const result = await p.run(run.config);
      out.push({ run, result, seconds: result.runStats.wallMs / 1000 });
      console.error(`report: ${run.title}: ${(result.runStats.wallMs / 1000).toFixed(1)} s on ${result.runStats.workers} workers`);
    }
  } finally {
    for (const p of pipelines.values()) await p.close();
  }
  return out;
}

async function plan(title: string, data: LoadedData, edit: (c: RunConfig) => void, longHistory: boolean): Promise<ResultsRun> {
  const config = defaultConfig();
  edit(config);
  const dataKey = await panelHash(data.panel);
  const fitted = fitConfigToDataset(config, { id: dataKey, name: data.name, panel: data.panel });
  return { title, data, dataKey, config: fitted.config, changes: fitted.changes, longHistory };
}

/** What differs from the paper's setting when the universe is built from Ken French's factors. */
const LONG_HISTORY_SETTING = 'What differs from the paper\'s setting: the paper allocates between long-only factor indices and their market; ' +
  'here each factor is an academic long-short factor of Ken French\'s library laid over the market (Mkt-RF + RF) as the synthetic, ' +
  'daily-rebalanced overlay "market + factor" — a research proxy, not an investable fund — so its active return is the factor\'s ' +
  'long-short return itself. HML stands in for value, SMB for size, Mom for momentum and RMW (profitability) for quality; CMA ' +
  '(investment) has no counterpart in the paper, which also has low volatility and growth. No environment features exist for this ' +
  'history, so the models see the 14 return features. λ and κ² are the defaults for every factor, not tuned per factor as in the paper; ' +
  'the paper\'s indices cover decades fewer than this sample; Sharpe and Sortino subtract the daily RF.';

function section(o: ResultsOutput): string {
  const { run, result: r } = o;
  const c = run.config;
  const t = r.runStats.stages;
  const stages = ['regimePaths', 'allocation', 'execution', 'metrics'].filter((k) => t[k] !== undefined)
    .map((k) => `${k} ${(t[k]! / 1000).toFixed(1)} s`).join(', ');
  const fits = r.runStats.fitsComputed + r.runStats.fitsFromCache;
  const lines = [
    `#### ${run.title}`, '',
    `Out of sample ${r.dates[r.evalStartIndex]} to ${r.dates[r.dates.length - 1]}; λ = ${c.model.jumpPenalty}, κ² = ${c.model.maxFeatures}; ` +
    `asymmetric λ_enter = ${c.asymmetric.jumpPenaltyEnter}, λ_exit = ${c.asymmetric.jumpPenaltyExit}; TE target ${(c.trackingErrorTarget * 100).toFixed(0)}%, ` +
    `${c.costBps} bps costs (run took ${o.seconds.toFixed(1)} s on ${r.runStats.workers} worker threads: ${fits} regime fits, ${r.runStats.fitsFromCache} of them from the cache; ${stages}).`,
    ...[...(run.longHistory && run.data.range ? [`Data: ${run.data.range}`] : []), ...run.changes, ...r.notes].map((n, i) => `${i === 0 ? '\n' : ''}- ${n}`),
    '', metricsTable(r, true), '',
    'Evidence (95% stationary-bootstrap intervals, probabilistic Sharpe, track record needed; [docs/evidence.md](docs/evidence.md)):', '',
    evidenceTable(r, true), '', factorTable(r, true, true),
  ];
  if (run.longHistory) {
    lines.push('', ...paperComparison(r), '', LONG_HISTORY_SETTING);
    const decades = decadeTable(r, true);
    if (decades) lines.push('', 'By decade of the out-of-sample period (each decade measured on its own days; the first and last are partial):', '', decades);
  }
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'long-history', 'set']), {
    data: { type: 'string', multiple: true }, 'long-history': { type: 'string', multiple: true }, out: { type: 'string' },
    sweep: { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' }, ...PIPELINE_OPTIONS,
  });
  if (values.sweep !== undefined) {
    // One pipeline for every value of the sweep (made when the data are loaded): the regime paths
    // are computed for the first value and reused by the others.
    let pipeline: CliPipeline | null = null;
    try {
      return await sweepReport({ sweep: values.sweep, set: values.set, json: values.json, out: values.out }, async (base) => {
        const { data, hash, config } = await loadRun(values.data ?? [], base, (s) => console.error(s));
        const p = (pipeline = new CliPipeline(data.panel, hash, values));
        return { data, config, run: (c) => p.run(c) };
      });
    } finally {
      await (pipeline as CliPipeline | null)?.close();
    }
  }
  if (!values.data?.length && !values['long-history']?.length) throw new CliError('give --data (ETF prices), --long-history (Ken French factor files) or both');
  const runs: ResultsRun[] = [];
  if (values.data?.length) {
    const data = await loadPanel(values.data);
    runs.push(await plan('Paper defaults: 8-year minimum training window', data, () => {}, false));
    runs.push(await plan('5-year minimum training window', data, (c) => { c.trainMinYears = 5; }, false));
  }
  if (values['long-history']?.length) {
    const data = await loadPanel(values['long-history']);
    if (data.range) console.error(`report: long history: ${data.range}`);
    runs.push(await plan('Long history: Ken French daily factors, paper defaults (8-year minimum training window)', data, () => {}, true));
  }
  const text = (await computeResults(runs, values)).map(section).join('\n');
  if (values.out) writeFileSync(values.out, text);
  console.log(text);
  return 0;
}
