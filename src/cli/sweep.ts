// `cli report --sweep field=v1,v2,…`: the same backtest at several values of one setting, as a
// table per value and strategy (core/backtest/sweep.ts). The base is the default configuration
// with any `--set` overrides; each value is a full run through `runner` (the plain backtest here).
import { writeFileSync } from 'node:fs';
import { CliError } from './args.ts';
import type { LoadedData } from './load-data.ts';
import { applyOverrides, defaultConfig, type RunConfig } from '../core/config.ts';
import { runBacktest, BacktestDataError } from '../core/backtest/index.ts';
import { parseSweepSpec, runSweep, sweepConfigs, sweepTable, SweepError, type BacktestRunner, type SweepSpec } from '../core/backtest/sweep.ts';

export interface SweepReportOptions {
  sweep: string;
  set?: string[];
  json?: boolean;
  out?: string;
}

/** The caveat printed under every sweep table. */
export const SWEEP_CAVEAT = 'Every value is run over the same out-of-sample window: choosing a value after seeing this table is an in-sample choice, and its figures overstate what that choice would have earned.';

/**
 * Checks the sweep and the overrides (exit 2 with what to fix, before any data is read), loads the
 * data, runs every value through `runner` (default: the plain backtest of `data.panel`) and prints.
 */
export async function sweepReport(load: () => Promise<LoadedData>, options: SweepReportOptions, runner?: (data: LoadedData) => BacktestRunner): Promise<number> {
  let base: RunConfig = defaultConfig();
  if (options.set?.length) {
    const r = applyOverrides(base, options.set);
    if (!r.ok) throw new CliError(r.errors.map((e) => `--set ${e.field}: ${e.message}`).join('; '));
    base = r.config;
  }
  let spec: SweepSpec;
  try {
    spec = parseSweepSpec(options.sweep);
    sweepConfigs(base, spec);
  } catch (e) {
    if (e instanceof SweepError) throw new CliError(e.message);
    throw e;
  }
  const data = await load();
  const run: BacktestRunner = runner ? runner(data) : async (config) => runBacktest(data.panel, config);
  const t0 = Date.now();
  let sweep;
  try {
    let last = t0;
    sweep = await runSweep(base, spec, async (config) => {
      try { return await run(config); } catch (e) {
        if (e instanceof BacktestDataError) throw new CliError(e.message);
        throw e;
      }
    }, {
      onProgress: (done, total) => {
        const now = Date.now();
        console.error(`sweep ${spec.field}: run ${done} of ${total} (${spec.values[done - 1]}) took ${((now - last) / 1000).toFixed(1)} s`);
        last = now;
      },
    });
  } catch (e) {
    if (e instanceof SweepError) throw new CliError(e.message);
    throw e;
  }
  if (options.json) {
    const text = JSON.stringify({ ...sweep, caveat: SWEEP_CAVEAT }, null, 2);
    if (options.out) writeFileSync(options.out, text);
    console.log(text);
    return 0;
  }
  const first = sweep.rows[0];
  const text = [
    `Sweep of ${sweep.field} (${sweep.label}) on ${data.simulated ? 'simulated demo data' : data.name}: out of sample ${first?.firstDate ?? '—'} to ${first?.lastDate ?? '—'}, ` +
      `${sweep.rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s; other settings ${options.set?.length ? `the defaults with ${options.set.join(', ')}` : 'the defaults'}.`,
    '',
    sweepTable(sweep, !!options.out),
    '',
    SWEEP_CAVEAT,
  ].join('\n');
  if (options.out) writeFileSync(options.out, text);
  console.log(text);
  return 0;
}
