// `cli report --sweep field=v1,v2,…`: the same backtest at several values of one setting, as a
// table per value and strategy (core/backtest/sweep.ts). The base is the default configuration
// with any `--set` overrides, fitted to the data; each value is a full run through the session's runner.
import { writeFileSync } from 'node:fs';
import { CliError } from './args.ts';
import type { LoadedData } from './load-data.ts';
import type { RunConfig } from '../core/config.ts';
import { loadRunConfig } from './run-pipeline.ts';
import { parseSweepSpec, runSweep, sweepConfigs, sweepTable, SweepError, type BacktestRunner, type SweepSpec } from '../core/backtest/sweep.ts';

export interface SweepReportOptions {
  sweep: string;
  set?: string[];
  json?: boolean;
  out?: string;
}

/** The caveat printed under every sweep table. */
export const SWEEP_CAVEAT = 'Every value is run over the same out-of-sample window: choosing a value after seeing this table is an in-sample choice, and its figures overstate what that choice would have earned.';

/** What a sweep runs on: the data, the configuration fitted to them, and the backtest of a configuration. */
export interface SweepSession {
  data: LoadedData;
  config: RunConfig;
  run: BacktestRunner;
}

/**
 * Checks the sweep and the overrides (exit 2 with what to fix, before any data is read), then
 * `open`s the data with the base configuration (the CLI's loadRun: the data read and the
 * configuration fitted to them, as for `backtest`), runs every value and prints.
 */
export async function sweepReport(options: SweepReportOptions, open: (base: RunConfig) => Promise<SweepSession>): Promise<number> {
  const base = loadRunConfig(undefined, options.set);
  let spec: SweepSpec;
  try {
    spec = parseSweepSpec(options.sweep);
    sweepConfigs(base, spec);
  } catch (e) {
    if (e instanceof SweepError) throw new CliError(e.message);
    throw e;
  }
  const { data, config, run } = await open(base);
  const t0 = Date.now();
  let sweep;
  try {
    let last = t0;
    // Against the fitted configuration: a factor the data lack is no longer there to sweep.
    sweep = await runSweep(config, spec, run, {
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
