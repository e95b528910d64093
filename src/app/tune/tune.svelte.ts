// The Tune screen's state: the saved studies, the study on screen, and the one running — its pool
// of engine workers (every core but one, workers/engine.worker.ts; the same engine as a backtest's,
// so a candidate's path is computed, and cached, exactly as the backtest of those parameters needs
// it), live progress (≤ 10 updates a second, from core runStudy), cancel (terminates the workers at
// once), resume, the selection and "use these parameters". The study is set up by core
// (src/core/tuning/plan.ts), exactly as `cli tune` sets it up; the study runner (core runStudy)
// schedules in the page — it only hands candidates to workers and records what comes back — and
// every trial is saved to IndexedDB as it finishes (storage/studies.ts), so a reload lists the study
// and an interrupted one can be resumed.
//
// One TuneState per app (keyed by its AppState, below), so a study keeps running while the person
// looks at other screens.
import type { EngineWorkerApi } from '../../../workers/engine.worker.ts';
import type { StudyAnalysis, StudyPlan } from '../../core/tuning/plan.ts';
import { executorEvaluator } from '../../core/tuning/plan.ts';
import { BrowserExecutor, createEnginePool, withData } from '../run/engine-client.ts';
import type { AppState } from '../state.svelte.ts';
import type { RunState } from '../run/run.svelte.ts';
import type { Router } from '../router.svelte.ts';
import type { StoredDataset } from '../../storage/datasets.ts';
import type { RunConfig } from '../../core/config.ts';
import type { TuningStrategy } from '../../core/tuning/evaluate.ts';
import type { StudyDefinition, StudyState, TrialRecord } from '../../core/tuning/types.ts';
import { runStudy, resumeStudy, isResumable, type StudyProgress } from '../../core/tuning/study.ts';
import { StudyStore, type StudySummary } from '../../storage/studies.ts';
import { WorkerPool, defaultPoolSize, isCancelled, type PoolWorker } from '../workers/pool.ts';
import { buildDefinition, defaultStudyForm, studyContext, workersFromForm, MAX_WORKERS, type StudyForm } from './study-form.ts';

export type TunePhase = 'idle' | 'planning' | 'running' | 'cancelling';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface TuneDeps {
  store?: StudyStore;
  /** Workers of a study (default: every core but one, at least one). */
  poolSize?: number;
}

export class TuneState {
  /** The saved studies, most recently updated first. */
  studies = $state.raw<StudySummary[]>([]);
  listError = $state<string | null>(null);
  /** The study on screen: the running one, or one the person opened. */
  study = $state.raw<StudyState | null>(null);
  /** Its trials, in finishing order (a new array on every change). */
  trials = $state.raw<TrialRecord[]>([]);
  /** Its calendar (every stored path is indexed by it). */
  dates = $state.raw<string[] | null>(null);
  progress = $state.raw<StudyProgress | null>(null);
  phase = $state<TunePhase>('idle');
  /** Why the last start, resume or save failed, in words. */
  error = $state<string | null>(null);
  /** Something the person should know (a data set was selected for a resume, …). */
  notice = $state<string | null>(null);
  /** When the running session started (ms since epoch), and trials finished in it. */
  startedAt = $state<number | null>(null);
  sessionDone = $state(0);
  /** Trials that were already finished when the running session started (a resume). */
  resumedFrom = $state(0);
  /** The study's workers alive right now, and started in all (a cancel terminates them: the test reads these). */
  liveWorkers = $state(0);
  workersStarted = $state(0);
  /** Selection and applied configuration of the study on screen (computed in a worker). */
  analysis = $state.raw<StudyAnalysis | null>(null);
  analysing = $state(false);
  analysisError = $state<string | null>(null);
  /** The form of the next study (kept while the page is open). */
  form = $state<StudyForm>(defaultStudyForm());

  busy = $derived(this.phase !== 'idle');
  /** The automatic pool size: every core but one (at least one). */
  readonly poolSize: number;
  /** Workers of the running (or last) study's pool. */
  activeWorkers = $state(0);

  private readonly app: AppState;
  private readonly run: RunState;
  private readonly router: Router | undefined;
  readonly store: StudyStore;
  private pool: WorkerPool<EngineWorkerApi> | null = null;
  private analysisPool: WorkerPool<EngineWorkerApi> | null = null;
  private controller: AbortController | null = null;
  private token = 0;
  private analysisToken = 0;

  constructor(app: AppState, run: RunState, router?: Router, deps: TuneDeps = {}) {
    this.app = app;
    this.run = run;
    this.router = router;
    this.store = deps.store ?? new StudyStore();
    this.poolSize = Math.max(1, Math.floor(deps.poolSize ?? defaultPoolSize()));
  }

  private countWorker = (worker: PoolWorker): PoolWorker => {
    this.liveWorkers++;
    this.workersStarted++;
    let alive = true;
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      if (alive) { alive = false; this.liveWorkers--; }
      terminate();
    };
    return worker;
  };

  /** The study's pool, of the size the form asks for (automatic: every core but one). */
  private newPool(): WorkerPool<EngineWorkerApi> {
    const size = workersFromForm(this.form, this.poolSize) ?? this.poolSize;
    this.activeWorkers = size;
    return createEnginePool(size, 'tuning', this.countWorker);
  }

  /** The selection worker: separate from the study's pool, and not counted among its workers. */
  private newAnalysisPool(): WorkerPool<EngineWorkerApi> {
    return createEnginePool(1, 'selection');
  }

  /** Re-reads the list of saved studies. */
  async refresh(): Promise<void> {
    try {
      this.studies = await this.store.list();
      this.listError = null;
    } catch (err) {
      this.listError = messageOf(err);
    }
  }

  /** The worker's plan of a study on `ds` (its calendar and windows); builds the factors' contexts there. */
  private async plan(pool: WorkerPool<EngineWorkerApi>, ds: StoredDataset, config: RunConfig, factors: string[]): Promise<StudyPlan> {
    return pool.run(async (api) => {
      await withData(api, ds.id, ds.panel);
      return api.plan(ds.id, config, factors);
    }).promise;
  }

  /** Starts a new study from the form on the selected data set and the current configuration. */
  async start(): Promise<void> {
    if (this.busy) return;
    const ds = this.app.selected;
    this.error = null;
    this.notice = null;
    if (!ds) { this.error = 'No data set is selected: pick or import one on the Data screen first.'; return; }
    const config = this.run.planned.config;
    const factors = config.factors.map((f) => f.ticker).filter((t) => this.form.factors.includes(t));
    if (!factors.length) { this.error = 'Pick at least one factor to tune.'; return; }
    if (workersFromForm(this.form, this.poolSize) === null) { this.error = `Workers must be a whole number from 1 to ${MAX_WORKERS}, or empty for automatic.`; return; }
    const token = ++this.token;
    this.phase = 'planning';
    const pool = (this.pool = this.newPool());
    try {
      const plan = await this.plan(pool, ds, config, factors);
      if (token !== this.token) return;
      const built = buildDefinition({ ...this.form, factors }, config, plan, Date.now());
      if ('errors' in built) {
        this.error = built.errors.join(' ');
        this.stopPool();
        this.phase = 'idle';
        return;
      }
      if (built.notes.length) this.notice = built.notes.join(' ');
      // The same study (same definition, configuration and data: same id) was saved before. Its
      // trials would come out the same, so it is shown, or resumed where it stopped, instead.
      const saved = await this.store.load(built.definition.id).catch(() => undefined);
      if (saved && token === this.token) {
        this.stopPool();
        this.phase = 'idle';
        if (isResumable(saved)) {
          const resumed = this.resume(saved.definition.id);
          this.notice = `This study was started before (“${saved.definition.name ?? saved.definition.id}”): resuming it where it stopped.`;
          await resumed;
        } else {
          await this.open(saved.definition.id);
          this.notice = `This study was run before (“${saved.definition.name ?? saved.definition.id}”): showing its saved trials instead of computing them again.`;
        }
        return;
      }
      const initial: StudyState = { definition: built.definition, status: 'new', trials: [], dates: plan.dates };
      await this.store.save(initial);
      if (token !== this.token) return;
      void this.refresh();
      await this.execute(token, built.definition, plan, ds, config, this.form.kind, pool, undefined);
    } catch (err) {
      if (token !== this.token) return;
      this.stopPool();
      this.phase = 'idle';
      this.error = isCancelled(err) ? null : `The study could not start: ${messageOf(err)}`;
    }
  }

  /** Resumes a saved study (cancelled or interrupted): its finished trials are kept, the rest run. */
  async resume(id: string): Promise<void> {
    if (this.busy) return;
    this.error = null;
    this.notice = null;
    if (workersFromForm(this.form, this.poolSize) === null) { this.error = `Workers must be a whole number from 1 to ${MAX_WORKERS}, or empty for automatic.`; return; }
    const token = ++this.token;
    this.phase = 'planning';
    try {
      const state = await this.store.load(id);
      if (!state) throw new Error('it is no longer stored (deleted in another tab?)');
      if (!isResumable(state)) throw new Error('it has no trials left to run');
      const { config, strategy, datasetHash, datasetName } = studyContext(state.definition);
      if (!config) throw new Error('it does not say which configuration its candidates ran with');
      // The study's data set: select it when it is stored here but not selected.
      if (datasetHash && this.app.selected?.id !== datasetHash) {
        if (!this.app.datasets.some((d) => d.id === datasetHash)) {
          throw new Error(`it ran on the data set “${datasetName ?? '?'}” (content hash ${datasetHash.slice(0, 12)}…), which is not stored in this browser — import the same files on the Data screen, then resume`);
        }
        await this.app.select(datasetHash);
        this.notice = `Selected the data set “${datasetName ?? datasetHash}”, the one this study ran on.`;
      }
      const ds = this.app.selected;
      if (!ds) throw new Error('no data set is selected');
      if (token !== this.token) return;
      const pool = (this.pool = this.newPool());
      this.study = state;
      this.trials = state.trials.slice();
      this.dates = state.dates ?? null;
      this.analysis = null;
      const plan = await this.plan(pool, ds, config, state.definition.factors);
      if (token !== this.token) return;
      if (state.dates && (state.dates.length !== plan.dates.length || state.dates[0] !== plan.dates[0] || state.dates[state.dates.length - 1] !== plan.dates[plan.dates.length - 1])) {
        throw new Error(`its calendar (${state.dates.length} days) differs from the data's (${plan.dates.length} days): the data set changed since it was saved — start a new study`);
      }
      await this.execute(token, state.definition, plan, ds, config, strategy, pool, state);
    } catch (err) {
      if (token !== this.token) return;
      this.stopPool();
      this.phase = 'idle';
      this.error = isCancelled(err) ? null : `The study could not be resumed: ${messageOf(err)}`;
    }
  }

  /** Runs (or resumes) a study on `pool` until it is done, cancelled or stopped by an error. */
  private async execute(
    token: number, definition: StudyDefinition, plan: StudyPlan, ds: StoredDataset, config: RunConfig,
    strategy: TuningStrategy, pool: WorkerPool<EngineWorkerApi>, previous: StudyState | undefined,
  ): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const kept = previous ? previous.trials.filter((t) => t.status !== 'cancelled') : [];
    this.study = { definition, status: 'running', trials: kept, dates: plan.dates };
    this.trials = kept.slice();
    this.dates = plan.dates;
    this.progress = null;
    this.analysis = null;
    this.analysisError = null;
    this.startedAt = Date.now();
    this.sessionDone = 0;
    this.resumedFrom = kept.length;
    this.phase = 'running';
    const panel = ds.panel;
    const evaluate = executorEvaluator(new BrowserExecutor(pool, () => panel), { dataKey: ds.id, config, strategy, dates: plan.dates });

    const recorder = this.store.recorder();
    const live = () => token === this.token;
    let final: StudyState;
    try {
      const opts = {
        evaluate,
        concurrency: pool.size,
        signal: controller.signal,
        onTrial: async (t: TrialRecord, s: StudyState) => {
          if (live()) {
            this.trials = s.trials.slice();
            if (t.status !== 'cancelled') this.sessionDone++;
          }
          await recorder.onTrial(t, s);
        },
        onStatus: async (s: StudyState) => {
          if (live()) this.study = { ...s, trials: s.trials.slice() };
          await recorder.onStatus(s);
        },
        onProgress: (p: StudyProgress) => {
          if (!live()) return;
          this.progress = p;
          this.app.tuning = { done: p.done, total: p.total, name: definition.name ?? definition.id };
        },
      };
      final = previous ? await resumeStudy(previous, opts) : await runStudy(definition, opts);
    } finally {
      this.controller = null;
      this.app.tuning = null;
      if (this.pool === pool) this.stopPool();
      else pool.terminate();
    }
    if (!live()) return;
    this.study = { ...final, trials: final.trials.slice() };
    this.trials = final.trials.slice();
    this.phase = 'idle';
    if (final.status === 'error') this.error = final.error ?? 'The study stopped with an error.';
    await this.refresh();
    void this.analyse();
  }

  /** Stops the running study at once: its workers are terminated; finished trials stay saved. */
  cancel(): void {
    if (this.phase === 'planning') {
      this.token++;
      this.stopPool();
      this.phase = 'idle';
      return;
    }
    if (this.phase !== 'running') return;
    this.phase = 'cancelling';
    // Terminate first: the evaluations reject, but the runner, aborted right after in this same
    // task, has already recorded them as cancelled (resumable) and drops their late rejections.
    this.stopPool();
    this.controller?.abort();
  }

  private stopPool(): void {
    this.pool?.terminate();
    this.pool = null;
  }

  /** Shows a saved study (its trials, table, heatmap and selection). */
  async open(id: string): Promise<void> {
    if (this.busy) return;
    this.error = null;
    this.notice = null;
    try {
      const state = await this.store.load(id);
      if (!state) { this.error = 'That study is no longer stored (deleted in another tab?). The list has been refreshed.'; await this.refresh(); return; }
      this.study = state;
      this.trials = state.trials.slice();
      this.dates = state.dates ?? null;
      this.progress = null;
      this.startedAt = null;
      this.analysis = null;
      void this.analyse();
    } catch (err) {
      this.error = `The study could not be opened: ${messageOf(err)}`;
    }
  }

  /** Deletes a saved study (not the running one). */
  async remove(id: string): Promise<void> {
    if (this.busy && this.study?.definition.id === id) return;
    try {
      await this.store.delete(id);
      if (this.study?.definition.id === id) { this.study = null; this.trials = []; this.analysis = null; this.dates = null; }
      await this.refresh();
    } catch (err) {
      this.error = `The study could not be deleted: ${messageOf(err)}`;
    }
  }

  /** The selection of the study on screen, and its configuration with the chosen parameters (in a worker). */
  async analyse(): Promise<void> {
    const state = this.study;
    if (!state || !state.dates) { this.analysis = null; return; }
    const { config, strategy } = studyContext(state.definition);
    if (!config) { this.analysisError = 'This study does not say which configuration its candidates ran with, so its parameters cannot be applied.'; return; }
    const token = ++this.analysisToken;
    this.analysing = true;
    this.analysisError = null;
    this.analysisPool ??= this.newAnalysisPool();
    // Only plain data crosses: the live study object as it is now.
    const snapshot: StudyState = { definition: state.definition, status: state.status, trials: this.trials.slice(), dates: state.dates };
    try {
      const a = await this.analysisPool.run((api) => api.analyse(snapshot, config, strategy)).promise;
      if (token !== this.analysisToken) return;
      this.analysis = a;
    } catch (err) {
      if (token !== this.analysisToken) return;
      this.analysisError = `The selection could not be computed: ${messageOf(err)}`;
    } finally {
      if (token === this.analysisToken) this.analysing = false;
    }
  }

  /**
   * "Use these parameters": the study's configuration with the chosen parameters becomes the run
   * configuration, and the Backtest screen shows. Returns false (with `error` set) when it cannot.
   */
  useParameters(): boolean {
    const a = this.analysis;
    if (!a?.applied) { this.error = a?.applyError ?? 'There is no selection to apply yet.'; return false; }
    const r = this.run.setConfig(a.applied.config);
    if (!r.ok) {
      this.error = `The tuned configuration is not valid: ${r.errors.map((e) => e.message).join('; ')}`;
      return false;
    }
    this.error = null;
    this.run.settingsOpen = true; // show the parameters that changed
    this.router?.go('backtest');
    return true;
  }

  /** Stops everything (the page is closing). */
  dispose(): void {
    this.token++;
    this.controller?.abort();
    this.stopPool();
    this.analysisPool?.terminate();
    this.analysisPool = null;
  }
}

const states = new WeakMap<AppState, TuneState>();

/**
 * The app's TuneState (created on first use). Keyed by the AppState rather than a module global, so
 * a second app (a test mount) gets its own; it outlives the Tune screen, so a study keeps running.
 */
export function tuneStateFor(app: AppState, run: RunState, router?: Router): TuneState {
  let s = states.get(app);
  if (!s) {
    s = new TuneState(app, run, router);
    states.set(app, s);
  }
  return s;
}
