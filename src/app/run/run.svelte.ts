// The current backtest run (issue 6): the configuration being edited, the last result, and the
// worker job between them. One RunState per app, shared through typed context (setRunState /
// getRunState below, the svelte.dev pattern); the Backtest, Periods, Regimes and Tune screens all
// read it.
//
//   const run = getRunState();
//   run.config            current configuration (plain, validated; replace it, never mutate it)
//   run.setConfig(raw)    validates `raw` (core validateConfig) and takes it when valid
//   run.run(config?)      runs the backtest of the selected data set in a worker
//   run.cancel()          stops it (the worker is terminated)
//   run.result            the last finished BacktestResult ($state.raw: big and immutable)
//   run.status / run.progress / run.error
//
// The page never computes finance: the backtest runs in workers/backtest.worker.ts, which stores
// the finished result (storage/runs.ts) so a reload shows it again without a minute of work.
import { loadChartJs } from '../charts/load.ts';
import { createContext } from 'svelte';
import { defaultConfig, serializeConfig, validateConfig, type ConfigResult, type RunConfig } from '../../core/config.ts';
import type { BacktestResult } from '../../core/backtest/index.ts';
import type { PeriodTable, PeriodWindow } from '../../core/metrics/periods.ts';
import { isCancelled, type Job } from '../workers/pool.ts';
import type { AppState } from '../state.svelte.ts';
import type { Router } from '../router.svelte.ts';
import type { ScreenId } from '../screens.ts';
import { BacktestClient } from './client.ts';
import { fitConfigToDataset, sameDataset, type FittedConfig } from './universe.ts';
import { decodeShareLink, isShareHash, shareUrl } from '../../share/link.ts';
import { formatDate } from '../format.ts';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunProgress {
  /** "fitting regime models", "allocating", "reading the stored result" … */
  stage: string;
  done: number;
  total: number;
}

/** What the app shows about a share link that was opened. */
export type LinkNotice =
  | { kind: 'error'; message: string }
  | { kind: 'missing'; config: RunConfig; message: string }
  | { kind: 'loaded'; config: RunConfig; message: string };

export interface RunStateDeps {
  client?: BacktestClient;
  /** Keep finished runs in this browser and show them again instead of rerunning (default true). */
  useStore?: boolean;
  router?: Router;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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

  readonly client: BacktestClient;
  private readonly app: AppState;
  private readonly useStore: boolean;
  private readonly router: Router | undefined;
  /** The configuration fitted to the selected data set: what `run()` would run now. */
  readonly planned: FittedConfig;
  /** True when the configuration differs from the one the result on screen was made with. */
  readonly stale: boolean;
  private job: Job<unknown> | null = null;
  private token = 0;
  private booted = false;

  constructor(app: AppState, deps: RunStateDeps = {}) {
    this.app = app;
    this.planned = $derived(fitConfigToDataset(this.config, this.app.selected));
    this.stale = $derived(!!this.result && canonical(this.planned.config) !== canonical(this.result.config));
    this.client = deps.client ?? new BacktestClient();
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
   * Runs the backtest of the selected data set with `config` (default: the current one), fitted to
   * the data set (fitConfigToDataset). A run already going is cancelled first. A finished run of the
   * same configuration and data stored in this browser is shown at once instead of running again.
   * Never throws: failures end in `status = 'error'` with `error` saying why.
   */
  async run(config?: RunConfig): Promise<void> {
    const token = ++this.token;
    this.job?.cancel();
    this.job = null;
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
    const fitted = fitConfigToDataset(base.config, ds);
    const checked = validateConfig(fitted.config);
    if (!checked.ok) {
      this.status = 'error';
      this.error = `The configuration does not fit “${ds.name}”: ${checked.errors.map((e) => e.message).join('; ')}`;
      return;
    }
    const cfg = checked.config;
    this.config = cfg;
    this.status = 'running';
    this.startedAt = Date.now();
    this.progress = { stage: 'starting', done: 0, total: 0 };
    try {
      let result: BacktestResult;
      let stored = false;
      const onProgress = (p: RunProgress) => {
        if (token === this.token) this.progress = { stage: p.stage, done: p.done, total: p.total };
      };
      if (this.useStore) {
        const job = this.client.runOrRestore(ds.panel, cfg, onProgress);
        this.job = job;
        const out = await job.promise;
        result = out.result;
        stored = out.fromStore;
      } else {
        const job = this.client.run(ds.panel, cfg, onProgress);
        this.job = job;
        result = await job.promise;
      }
      if (token !== this.token) return;
      performance.mark('helix:result-received');
      this.job = null;
      this.result = result;
      this.fromStore = stored;
      this.resultVersion++;
      this.elapsedMs = Date.now() - (this.startedAt ?? Date.now());
      this.progress = null;
      this.status = 'done';
    } catch (err) {
      if (token !== this.token) return;
      this.job = null;
      this.progress = null;
      if (isCancelled(err)) {
        this.status = 'cancelled';
      } else {
        this.status = 'error';
        this.error = `The backtest on “${ds.name}” failed: ${messageOf(err)}`;
      }
    }
  }

  /** Stops the running backtest (its worker is terminated; the last result stays on screen). */
  cancel(): void {
    if (this.status !== 'running') return;
    this.token++;
    this.job?.cancel();
    this.job = null;
    this.progress = null;
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
    if (!this.app.selected?.simulated) return;
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
      if (here && this.app.selected?.id !== here.id) await this.app.select(here.id);
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
      if (demo) await this.app.select(demo.id);
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
    if (here && this.app.selected?.id !== here.id) await this.app.select(here.id);
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
