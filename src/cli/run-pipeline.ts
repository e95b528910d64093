// The command line's side of the run pipeline (core pipeline/run.ts): `--workers N` worker threads,
// `--cache DIR` for a cache that outlives the command, progress on stderr, and the memory of paths
// gathered by this command (so runs of one command that differ only in allocation or execution
// settings — a report's tables, a sweep — fit nothing twice).
import { NodeEngineExecutor } from './engine-pool.ts';
import { throttle } from '../core/throttle.ts';
import { DirCache, openCacheDir } from './dir-cache.ts';
import { CliError } from './args.ts';
import { runPipeline, type PipelineProgress } from '../core/pipeline/run.ts';
import { FailSafeCache, LayeredCache, MemoryCache, type RegimeCache } from '../core/pipeline/cache.ts';
import { BacktestDataError, type BacktestResult } from '../core/backtest/index.ts';
import { readFileSync } from 'node:fs';
import type { Panel } from '../core/data/panel.ts';
import { applyOverrides, defaultConfig, validateConfig, type RunConfig } from '../core/config.ts';
import { panelHash } from '../core/hash.ts';
import { fitConfigToDataset } from '../core/universe.ts';
import { loadPanel, type LoadedData } from './load-data.ts';

/** The `--workers` / `--cache` options, for a command's parseCli table. */
export const PIPELINE_OPTIONS = { workers: { type: 'string' }, cache: { type: 'string' } } as const;

export const PIPELINE_HELP = `  --workers N            worker threads that fit the regime models (default: one per core); the
                         result is the same for any N
  --cache DIR            keep fitted models and regime paths in DIR and reuse them in later commands
                         (a tuning study's candidates, a run on data extended by new days, a run that
                         changes only allocation settings); no cache on disk without it`;

export function parseWorkers(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(n) || n < 1 || n > 256) throw new CliError(`--workers must be a whole number from 1 to 256, got "${raw}"`);
  return n;
}

function progressPrinter(label: string): ((p: PipelineProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  // Once a second on a terminal (the project's one throttle); the stage changes always print.
  const line = throttle((p: PipelineProgress) => {
    const per = p.factors.map((f) => `${f.ticker} ${f.done}/${f.total}`).join(' · ');
    process.stderr.write(`\r${label}${p.stage}: ${p.done}/${p.total} refits (${per})\u001b[K`);
    if (p.stage !== 'fitting regime models') process.stderr.write('\n');
  }, 1000);
  return (p) => { line(p); if (p.stage !== 'fitting regime models') line.flush(); };
}

/** A pipeline session of one command: one pool of worker threads for the panel, several runs. */
export class CliPipeline {
  readonly executor: NodeEngineExecutor;
  /** Finished paths: this command's memory, then the folder (core pipeline/run.ts taskCache). */
  private readonly tasks: RegimeCache;

  constructor(readonly panel: Panel, readonly dataKey: string, values: { workers?: string; cache?: string }) {
    let cacheDir: string | null = null;
    if (values.cache !== undefined) {
      try { cacheDir = openCacheDir(values.cache); } catch (e) { throw new CliError((e as Error).message); }
    }
    this.executor = new NodeEngineExecutor({ panel, dataKey, workers: parseWorkers(values.workers), cacheDir });
    const layers: RegimeCache[] = [new MemoryCache(512 * 2 ** 20)];
    if (cacheDir) layers.push(new FailSafeCache(new DirCache(cacheDir), (e) => console.error(`warning: the cache folder ${cacheDir} cannot be used (${(e as Error).message}); going on without it`)));
    this.tasks = new LayeredCache(layers);
  }

  /** The backtest of `config` (data problems become one-line CLI errors, exit code 2). */
  async run(config: RunConfig, label = ''): Promise<BacktestResult> {
    try {
      return await runPipeline(config, { dataKey: this.dataKey, executor: this.executor, panel: this.panel, taskCache: this.tasks, onProgress: progressPrinter(label) });
    } catch (e) {
      if (e instanceof BacktestDataError) throw new CliError(e.message);
      throw e;
    }
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}

/** `--config run.json` and `--set key=value …` on the method's defaults (a bad file or value: exit 2, one line). */
export function loadRunConfig(path: string | undefined, sets: readonly string[] | undefined): RunConfig {
  let config = defaultConfig();
  if (path) {
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new CliError(`${path}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`); }
    const r = validateConfig(raw);
    if (!r.ok) throw new CliError(`${path}: ${r.errors.map((e) => `${e.message}${e.field ? ` (key ${e.field})` : ''}`).join('; ')}`);
    config = r.config;
  }
  if (sets?.length) {
    const r = applyOverrides(config, sets);
    if (!r.ok) throw new CliError(r.errors.map((e) => `${e.message} (--set ${e.field})`).join('; '));
    config = r.config;
  }
  return config;
}

/**
 * The data of `--data` and the configuration fitted to it exactly as the app fits it
 * (src/core/universe.ts): tickers the data lack are replaced by its roles (Ken French's factors for
 * the default SPY/QUAL/… configuration), and missing environment series switch the run to 14
 * features. `say` hears the data's range, its warnings and every change.
 */
export async function loadRun(dataArgs: readonly string[], config: RunConfig, say: (s: string) => void): Promise<{ data: LoadedData; hash: string; config: RunConfig }> {
  const data = await loadPanel(dataArgs);
  const hash = await panelHash(data.panel);
  if (config.dataset && config.dataset.hash && config.dataset.hash !== hash) {
    console.error(`warning: the configuration was made on data set "${config.dataset.name}" (hash ${config.dataset.hash.slice(0, 12)}…) but these files hash to ${hash.slice(0, 12)}…: results will differ`);
  }
  const fitted = fitConfigToDataset(config, { id: hash, name: data.name, panel: data.panel });
  if (data.range && !data.simulated) say(`data: ${data.range}`);
  for (const w of data.panelWarnings ?? []) say(`data warning: ${w}`);
  for (const c of fitted.changes) say(`configuration: ${c}`);
  return { data, hash, config: fitted.config };
}
