// The current backtest run: the configuration being edited, the result on screen, and the job
// between them. One RunState per app, shared through typed context (setRunState / getRunState
// below, the svelte.dev pattern); the Backtest, Periods, Regimes and Tune screens all read it.
//
//   const run = getRunState();
//   run.config            current configuration (plain, validated; replace it, never mutate it)
//   run.setConfig(raw)    validates `raw` (core validateConfig) and takes it when valid
//   run.run(config?)      shows the stored result of the selected data set and configuration, or
//                         computes it (core runPipeline: regime paths on every core, from the
//                         caches where they were computed before, then the assembly in a worker)
//   run.cancel()          stops it (the workers are terminated)
//   run.result            the result on screen ($state.raw: big and immutable); ALWAYS of the
//                         selected data set: switching data sets clears it (and shows the new data
//                         set's stored result, if any); a run finishing for another data set only
//                         stores its result
//   run.status / run.progress (per factor) / run.error
//
// The page never computes finance: the workers do (workers/engine.worker.ts).
import { loadChartJs } from '../charts/load.ts';
import { createContext } from 'svelte';
import { defaultConfig, serializeConfig, validateConfig, type ConfigResult, type RunConfig } from '../../core/config.ts';
import type { BacktestResult, RegimePaths } from '../../core/backtest/index.ts';
import type { PeriodTable, PeriodWindow } from '../../core/metrics/periods.ts';
import { isCancelled, type Job } from '../workers/pool.ts';
import type { AppState } from '../state.svelte.ts';
import type { Router } from '../router.svelte.ts';
import type { ScreenId } from '../screens.ts';
import { EngineClient } from './engine-client.ts';
import { fitConfigToDataset, sameDataset, type DatasetLike, type FittedConfig } from './universe.ts';
import { runPipeline, PipelineCancelled, type PipelineProgress, type FactorProgress } from '../../core/pipeline/run.ts';
import { MemoryCache } from '../../core/pipeline/cache.ts';
import { configDifferences } from '../../core/config-diff.ts';
import { decodeShareLink, isShareHash, shareUrl } from '../../share/link.ts';
import { formatDate } from '../format.ts';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunProgress {
  /** "fitting regime models", "allocating and measuring", "reading the stored result" … */
  stage: string;
  done: number;
  total: number;
  /** Per factor (both strategies together), while regime paths are gathered. */
  factors?: FactorProgress[];
}

/** What the app shows about a share link that was opened. */
export type LinkNotice =
  | { kind: 'error'; message: string }
  | { kind: 'missing'; config: RunConfig; message: string }
  | { kind: 'loaded'; config: RunConfig; message: string };

export interface RunStateDeps {
  client?: EngineClient;
  /** Keep finished runs in this browser and show them again instead of rerunning (default true). */
  useStore?: boolean;
  router?: Router;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `config` fitted to the data set (core fitConfigToDataset) and validated, or why it does not fit. */
function fitTo(config: RunConfig, ds: DatasetLike): { config: RunConfig } | { error: string } {
  const checked = validateConfig(fitConfigToDataset(config, ds).config);
  return checked.ok ? { config: checked.config } : { error: `The configuration does not fit “${ds.name}”: ${checked.errors.map((e) => e.message).join('; ')}` };
}

export class RunState {
  /** The configuration the next run uses (validated; replace it whole, it is not deeply reactive). */
  config = $state.raw<RunConfig>(defaultConfig());
  /** The last finished result. */
  result = $state.raw<BacktestResult | null>(null);
  status = $state<RunStatus>('idle');
  progress = $state.raw<RunProgress | null>(null);
  /** Why the last run failed, in plain words. */
  error = $state<string | null>(null);
  /** When the running (or last) run started, ms since epoch. */
  startedAt = $state<number | null>(null);
  /** How long the last finished run took, ms. */
  elapsedMs = $state<number | null>(null);
  /** The result on screen came from this browser's store of finished runs, not a fresh run. */
  fromStore = $state(false);
  /** Name and dates of the data set the running job computes (it may no longer be the selected one). */
  runningOn = $state.raw<{ id: string; name: string } | null>(null);
  /** Bumped each time a new result arrives (screens key their charts on it). */
  resultVersion = $state(0);
  /** The notice about the share link in the address (error, data set missing, loaded). */
  link = $state.raw<LinkNotice | null>(null);
  /** Problems in the settings form's current input (its last valid settings stay in `config`). */
  formProblems = $state(0);
  /** The Backtest screen's settings are open (kept across screens; "use these parameters" opens them). */
  settingsOpen = $state(false);
  /** Windows the person added on the Periods screen (kept while the page is open). */
  customWindows = $state.raw<PeriodWindow[]>([]);

  running = $derived(this.status === 'running');

  readonly client: EngineClient;
  /** Regime paths gathered by this page, by task name: a run that changes only allocation settings asks no worker for them. */
  private readonly paths = new MemoryCache(96 * 2 ** 20);
  /** Data sets whose shipped seed cache was already read (pipeline/seed.ts). */
  private readonly seeded = new Set<string>();
  private readonly app: AppState;
  private readonly useStore: boolean;
  private readonly router: Router | undefined;
  /** The configuration fitted to the selected data set: what `run()` would run now. */
  readonly planned: FittedConfig;
  /** True when the configuration differs from the one the result on screen was made with. */
  readonly stale: boolean;
  /** The settings that differ between the result on screen and the configuration, in words. */
  readonly differences: string[];
  private job: Job<unknown> | null = null;
  private abort: AbortController | null = null;
  private token = 0;
  private booted = false;

  constructor(app: AppState, deps: RunStateDeps = {}) {
    this.app = app;
    this.planned = $derived(fitConfigToDataset(this.config, this.app.selected));
    this.stale = $derived(!!this.result && canonical(this.planned.config) !== canonical(this.result.config));
    this.differences = $derived(this.result && this.stale ? configDifferences(this.result.config, this.planned.config) : []);
    this.client = deps.client ?? new EngineClient();
    this.useStore = deps.useStore ?? true;
    this.router = deps.router;
  }

  /**
   * Validates `raw` (any value: a form's draft, a parsed file, a share link) with core
   * validateConfig and takes it as the configuration when valid. Returns the errors otherwise,
   * leaving the configuration as it was.
   */
  setConfig(raw: unknown): ConfigResult {
    const r = validateConfig(raw);
    if (r.ok) this.config = r.config;
    return r;
  }

  /** Back to the method's defaults (keeps the data set). */
  resetConfig(): void {
    this.config = { ...defaultConfig(), dataset: this.config.dataset };
    this.formProblems = 0;
  }

  /**
   * Shows the backtest of the selected data set with `config` (default: the current one), fitted to
   * the data set (fitConfigToDataset): the stored result when this browser has it, else computed.
   * A run already going is cancelled first. Never throws: failures end in `status = 'error'` with
   * `error` saying why.
   */
  async run(config?: RunConfig): Promise<void> {
    const token = ++this.token;
    this.job?.cancel();
    this.job = null;
    this.abort?.abort();
    this.abort = null;
    this.error = null;
    const ds = this.app.selected;
    if (!ds) {
      this.status = 'error';
      this.error = 'No data set is selected: pick or import one on the Data screen, then run again.';
      return;
    }
    const base = config ? validateConfig(config) : ({ ok: true, config: this.config } as const);
    if (!base.ok) {
      this.status = 'error';
      this.error = `The configuration is not valid: ${base.errors.map((e) => `${e.field || 'configuration'}: ${e.message}`).join('; ')}`;
      return;
    }
    const fitted = fitTo(base.config, ds);
    if ('error' in fitted) {
      this.status = 'error';
      this.error = fitted.error;
      return;
    }
    const cfg = fitted.config;
    this.config = cfg;
    this.status = 'running';
    this.runningOn = { id: ds.id, name: ds.name };
    this.startedAt = Date.now();
    this.progress = { stage: 'reading the stored result', done: 0, total: 0 };
    const live = () => token === this.token;
    const shows = () => live() && this.app.selected?.id === ds.id;
    try {
      this.client.open(ds.id, ds.panel);
      let result: BacktestResult | null = null;
      let stored = false;
      if (this.useStore) {
        const job = this.client.storedResult(cfg);
        this.job = job;
        result = await job.promise;
        stored = !!result;
        if (result) {
          // How this result was made then is not how it is shown now.
          result = { ...result, runStats: { ...result.runStats, workers: 0, fitsComputed: 0, wallMs: Date.now() - (this.startedAt ?? Date.now()) } };
        }
      }
      if (!live()) return;
      if (!result) {
        if (ds.simulated) await this.seed(ds.id);
        this.progress = { stage: 'fitting regime models', done: 0, total: 0 };
        const abort = (this.abort = new AbortController());
        result = await runPipeline(cfg, {
          dataKey: ds.id, executor: this.client.executor, taskCache: this.paths, signal: abort.signal,
          onProgress: (p: PipelineProgress) => { if (live()) this.progress = { stage: p.stage, done: p.done, total: p.total, factors: p.factors }; },
          assemble: (paths: RegimePaths) => {
            const job = this.client.assemble(ds.id, cfg, paths);
            this.job = job;
            return job.promise;
          },
        });
      }
      if (!live()) return;
      performance.mark('helix:result-received');
      this.job = null;
      this.abort = null;
      this.runningOn = null;
      this.elapsedMs = Date.now() - (this.startedAt ?? Date.now());
      this.progress = null;
      this.status = 'done';
      // A run for a data set that is no longer selected is stored (in the worker) but not shown.
      void this.remember(ds.id, cfg);
      if (!shows()) return;
      this.result = result;
      this.fromStore = stored;
      this.resultVersion++;
    } catch (err) {
      if (!live()) return;
      this.job = null;
      this.abort = null;
      this.runningOn = null;
      this.progress = null;
      if (isCancelled(err) || err instanceof PipelineCancelled) {
        this.status = 'cancelled';
      } else {
        this.status = 'error';
        this.error = `The backtest on “${ds.name}” failed: ${messageOf(err)}`;
      }
    }
  }

  /**
   * Selects a data set and returns once it IS the selected one. A selection made meanwhile by
   * something else (saving an import selects the saved data set too) supersedes a pending one, so
   * the call checks and selects again rather than trusting that its own selection won: a run that
   * follows must never start on the data set that was selected before.
   */
  private async selectDataset(id: string): Promise<void> {
    for (let i = 0; i < 5 && this.app.selected?.id !== id; i++) await this.app.select(id);
    if (this.app.selected?.id !== id) throw new Error('the data set could not be selected (another selection kept replacing it): select it on the Data screen and run again');
  }

  /** Keeps `config` as the data set's last run configuration (best effort). */
  private async remember(datasetId: string, config: RunConfig): Promise<void> {
    try {
      const all = (await this.app.settings.get('lastRunConfig')) ?? {};
      const next: Record<string, unknown> = { ...all, [datasetId]: config };
      // Only the most recent few data sets: a configuration is small, but the list should not grow forever.
      const keys = Object.keys(next);
      for (const k of keys.slice(0, Math.max(0, keys.length - 20))) delete next[k];
      await this.app.settings.set('lastRunConfig', next);
    } catch {
      // No storage: the next visit starts from the defaults.
    }
  }

  private async remembered(datasetId: string): Promise<RunConfig | null> {
    try {
      const all = await this.app.settings.get('lastRunConfig');
      const raw = all && Object.prototype.hasOwnProperty.call(all, datasetId) ? all[datasetId] : undefined;
      if (!raw) return null;
      const r = validateConfig(raw);
      return r.ok ? r.config : null;
    } catch {
      return null;
    }
  }

  /**
   * The backtest of `config` on the selected data set, without showing it (the turnover frontier's
   * runs): the stored result, or the pipeline with this page's regime paths, which settings that
   * change only allocation or execution reuse entirely. Not stored, so the person's own runs stay
   * in the run store; without weights and factor series (nothing draws them).
   */
  async backtestOf(config: RunConfig): Promise<BacktestResult> {
    const ds = this.app.selected;
    if (!ds) throw new Error('No data set is selected: pick the one this result was made on, on the Data screen.');
    const fitted = fitTo(config, ds);
    if ('error' in fitted) throw new Error(fitted.error);
    const cfg = fitted.config;
    this.client.open(ds.id, ds.panel);
    if (this.useStore) {
      const stored = await this.client.storedResult(cfg).promise.catch(() => null);
      if (stored) return stored;
    }
    if (ds.simulated) await this.seed(ds.id);
    return runPipeline(cfg, {
      dataKey: ds.id, executor: this.client.executor, taskCache: this.paths,
      assemble: (paths: RegimePaths) => this.client.assemble(ds.id, cfg, paths, { show: false }).promise,
    });
  }

  /**
   * The shipped regime paths of the demo's default run (public/demo-cache.bin, pipeline/seed.ts):
   * read once per page into the page's path memory; a file of another engine version is ignored.
   */
  private async seed(datasetId: string): Promise<void> {
    if (this.seeded.has(datasetId)) return;
    this.seeded.add(datasetId);
    try {
      const url = new URL('demo-cache.bin', globalThis.document?.baseURI ?? globalThis.location?.href).href;
      const entries = await this.client.pool.run((api) => api.seedEntries(url, datasetId)).promise;
      await this.paths.putMany(entries);
    } catch {
      // No seed: the paths are computed (and cached) as for any data set.
    }
  }

  /**
   * The selected data set changed: the result on screen belonged to the previous one, so it goes;
   * this data set's stored result for the current settings, if this browser has one, comes instead.
   */
  async selectionChanged(): Promise<void> {
    const ds = this.app.selected;
    if (this.result && (!ds || this.result.config.dataset?.hash !== ds.id)) {
      this.result = null;
      this.fromStore = false;
      this.resultVersion++;
    }
    if (!ds || this.result || this.running || !this.useStore) return;
    // The settings of this data set's last run, when there was one (else the current settings).
    const remembered = await this.remembered(ds.id);
    if (this.app.selected?.id !== ds.id || this.result || this.running) return;
    if (remembered) this.config = remembered;
    const fitted = fitTo(this.config, ds);
    if ('error' in fitted) return;
    try {
      this.client.open(ds.id, ds.panel);
      const token = this.token;
      const result = await this.client.storedResult(fitted.config).promise;
      if (!result || token !== this.token || this.app.selected?.id !== ds.id || this.result) return;
      this.config = fitted.config;
      this.result = result;
      this.fromStore = true;
      // Shown from the store, not run: the run's status stays as it was.
      this.elapsedMs = null;
      this.resultVersion++;
    } catch {
      // Nothing stored (or no storage): the screen offers to run.
    }
  }

  /** Stops the running backtest (its workers are terminated; the last result stays on screen). */
  cancel(): void {
    if (this.status !== 'running') return;
    this.token++;
    this.abort?.abort();
    this.abort = null;
    this.job?.cancel();
    this.job = null;
    this.progress = null;
    this.runningOn = null;
    this.status = 'cancelled';
  }

  /** The sub-period table of the result on screen (computed in a worker by core periodTable). */
  periodTable(windows: PeriodWindow[], result: BacktestResult | null = this.result): Promise<PeriodTable> {
    if (!result) return Promise.reject(new Error('There is no backtest result yet: run a backtest first.'));
    return this.client.periodTable(result, windows).promise;
  }

  /** The share link of the current configuration (fitted to the selected data set). */
  shareLink(base: string = globalThis.location?.href ?? ''): string {
    return shareUrl(this.planned.config, base);
  }

  /**
   * Called once the app has its data sets (App.svelte). Opens the share link in the address if
   * there is one; otherwise, on the demo data set, runs the demo backtest (first open: the result
   * is there without a click), and on another data set shows its stored run if this browser has one.
   */
  async boot(hash: string = globalThis.location?.hash ?? ''): Promise<void> {
    if (this.booted) return;
    this.booted = true;
    if (isShareHash(hash)) {
      await this.openLink(hash);
      return;
    }
    if (!this.app.selected?.simulated) {
      // Another data set: its stored result for these settings, if this browser has one.
      await this.selectionChanged();
      return;
    }
    // Let the first screen finish drawing before the worker takes a core (on a two-core laptop
    // the page would otherwise render in slow, long tasks): chart.js loaded and the first chart
    // built (its first draw is the page's longest task), then two idle periods.
    await Promise.race([loadChartJs().catch(() => undefined), new Promise((r) => setTimeout(r, 4000))]);
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve) => {
        if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1500 });
        else setTimeout(resolve, 300);
      });
    }
    if (this.status === 'idle' && !this.link) await this.run();
  }

  /**
   * Opens a share link (the URL hash). A broken or hostile link only sets `link` to a friendly
   * message: no state changes. A link whose data set is here selects it, takes the configuration
   * and reruns the backtest. A link whose data set is missing says which one it needs
   * (`link.kind === 'missing'`) and waits: see `useDemoForLink` and `retryLink`.
   */
  async openLink(hash: string): Promise<void> {
    const decoded = decodeShareLink(hash);
    if (!decoded.ok) {
      this.link = { kind: 'error', message: decoded.message };
      return;
    }
    const config = decoded.config;
    const ref = config.dataset;
    const here = ref ? this.app.datasets.find((d) => sameDataset(ref, d)) : undefined;
    if (ref && !here) {
      this.link = {
        kind: 'missing', config,
        message: `This link is a run on the data set “${ref.name}” (${formatDate(ref.firstDate)} to ${formatDate(ref.lastDate)}, content hash ${ref.hash.slice(0, 12)}…), which is not stored in this browser.`,
      };
      this.show('backtest');
      return;
    }
    try {
      if (here) await this.selectDataset(here.id);
    } catch (err) {
      this.link = { kind: 'error', message: `The link's data set could not be opened: ${messageOf(err)}` };
      return;
    }
    this.link = { kind: 'loaded', config, message: ref ? `Opened a shared run on “${ref.name}”.` : 'Opened a shared configuration.' };
    this.config = config;
    this.show('backtest');
    await this.run(config);
  }

  /** A 'missing' link: run its configuration on the demo data set instead (adding the demo if needed). */
  async useDemoForLink(): Promise<void> {
    const link = this.link;
    if (!link || link.kind !== 'missing') return;
    try {
      const demo = this.app.datasets.find((d) => d.simulated);
      if (demo) await this.selectDataset(demo.id);
      else await this.app.addDemo();
    } catch (err) {
      this.link = { ...link, message: `${link.message} The demo data set could not be opened: ${messageOf(err)}` };
      return;
    }
    this.link = { kind: 'loaded', config: link.config, message: `Running the shared configuration on the demo data set instead of “${link.config.dataset?.name ?? '?'}”: the numbers will differ from the original run.` };
    this.config = { ...link.config, dataset: null };
    this.show('backtest');
    await this.run();
  }

  /** A 'missing' link: try again (after the person imported the data set). True when it was found. */
  async retryLink(): Promise<boolean> {
    const link = this.link;
    if (!link || link.kind !== 'missing') return false;
    if (!this.app.datasets.some((d) => sameDataset(link.config.dataset, d))) return false;
    this.link = null;
    await this.openLinkConfig(link.config);
    return true;
  }

  private async openLinkConfig(config: RunConfig): Promise<void> {
    const here = this.app.datasets.find((d) => sameDataset(config.dataset, d));
    if (here) await this.selectDataset(here.id);
    this.link = { kind: 'loaded', config, message: `Opened a shared run on “${config.dataset?.name ?? '?'}”.` };
    this.config = config;
    this.show('backtest');
    await this.run(config);
  }

  dismissLink(): void {
    this.link = null;
  }

  dispose(): void {
    this.token++;
    this.abort?.abort();
    this.client.dispose();
  }

  private show(screen: ScreenId): void {
    this.router?.go(screen);
  }
}

/** Canonical JSON of a configuration (validateConfig's fixed key order), or '' when invalid. */
function canonical(config: RunConfig): string {
  try {
    return serializeConfig(config);
  } catch {
    return '';
  }
}

export const [getRunState, setRunState] = createContext<RunState>();
