// The study runner (method.md §7): proposes candidates per factor in batches, evaluates them with an
// injected async evaluator under bounded concurrency, records every trial as it finishes, reports
// throttled progress, stops at once on cancel and resumes a saved partial study.
//
// Determinism: batch b of a factor is proposed from that factor's finished trials of batches < b
// only (sampler.ts), never from whatever happens to have finished first, so the trials and the choice
// are the same with 1 or N concurrent evaluations and after any number of cancel/resume cycles.
// Pure core: no DOM, no storage — persistence is the `onTrial` / `onStatus` callbacks' business.
import { throttle } from '../throttle.ts';
import { batchSizeOf, gridSize, needsHistory, proposeBatch, tpeSettings, type Observation } from './sampler.ts';
import { scoreCandidate, summarisePath, validateSelection } from './select.ts';
import { validateSpace } from './space.ts';
import type {
  CandidateParams, CandidatePath, Evaluator, StoredPath, StudyDefinition, StudyState, TrialRecord,
} from './types.ts';

export class StudyError extends Error {}

export interface StudyProgress {
  /** Finished trials (done + failed), counting those of a resumed study. */
  done: number;
  failed: number;
  total: number;
  /** Trials being evaluated right now. */
  running: number;
  /** Best finished trial per factor by score (ties: lowest id); null while none has a score. */
  best: Record<string, { trialId: number; score: number; params: CandidateParams } | null>;
  /** Wall time of this run (not counting earlier sessions of a resumed study). */
  elapsedMs: number;
  /** Estimated time left: this run's wall time per finished trial × trials left; null before the first. */
  etaMs: number | null;
}

export interface RunStudyOptions {
  evaluate: Evaluator;
  /** Trials evaluated at the same time (the worker pool's size). Default 1. */
  concurrency?: number;
  /** Cancels the study: nothing new starts, running trials are recorded as 'cancelled', the study is resumable. */
  signal?: AbortSignal;
  /** A saved partial study to resume: its done and failed trials are kept, the rest are run. */
  previous?: StudyState;
  /**
   * Called once per finished trial (done, failed or cancelled), in finishing order; calls are
   * serialised (the next waits for the previous promise). A rejection stops the study with status
   * 'error'. `state` is the live study object: copy what you keep.
   */
  onTrial?: (trial: TrialRecord, state: StudyState) => void | Promise<void>;
  /** Called when the study's status changes (running, then done / cancelled / error), serialised with onTrial. */
  onStatus?: (state: StudyState) => void | Promise<void>;
  /** Progress, at most once per `progressIntervalMs` (default 100 ms: ≤ 10 a second), plus a final call. */
  onProgress?: (p: StudyProgress) => void;
  progressIntervalMs?: number;
  /** Clock in ms (default performance.now); injectable for tests. */
  now?: () => number;
}

/** Trials a factor gets: nTrials, or for a grid the grid's size (nTrials sets its density). */
export function trialsFor(def: StudyDefinition, factor: string): number {
  const space = def.spaces[factor];
  if (!space) throw new StudyError(`study ${def.id}: no search space for factor ${factor} — add one to "spaces"`);
  return def.sampler.kind === 'grid' ? gridSize(space, def.sampler, def.nTrials) : def.nTrials;
}

/** Total trials over all factors. */
export function totalTrials(def: StudyDefinition): number {
  return def.factors.reduce((s, f) => s + trialsFor(def, f), 0);
}

/**
 * Every problem with a study definition; empty when valid. `nFeatures` (D) bounds κ² per factor
 * when given (one number for all factors, or per ticker).
 */
export function validateDefinition(def: StudyDefinition, nFeatures?: number | Record<string, number>): string[] {
  const errors: string[] = [];
  const at = `study ${def.id || '(no id)'}`;
  if (!def.id) errors.push(`${at}: id is empty — give the study an id`);
  if (!Array.isArray(def.factors) || def.factors.length === 0) errors.push(`${at}: no factors — list at least one factor ticker`);
  else if (new Set(def.factors).size !== def.factors.length) errors.push(`${at}: a factor is listed twice — list each once`);
  if (!Number.isInteger(def.nTrials) || def.nTrials < 1) errors.push(`${at}: nTrials must be a whole number ≥ 1, got ${def.nTrials}`);
  if (!Number.isFinite(def.seed)) errors.push(`${at}: seed must be a finite number, got ${def.seed}`);
  const kind = (def.sampler as { kind?: unknown }).kind;
  if (kind !== 'grid' && kind !== 'random' && kind !== 'tpe') errors.push(`${at}: sampler "${String(kind)}" is unknown — use grid, random or tpe`);
  if (def.sampler.kind === 'tpe') {
    try { tpeSettings(def.sampler); } catch (e) { errors.push(`${at}: ${(e as Error).message}`); }
  }
  for (const f of def.factors ?? []) {
    const space = def.spaces?.[f];
    if (!space) { errors.push(`${at}: no search space for factor ${f} — add one to "spaces"`); continue; }
    const D = typeof nFeatures === 'number' ? nFeatures : nFeatures?.[f];
    const spaceErrors = validateSpace(space, D, `${at}, ${f}`);
    errors.push(...spaceErrors);
    if (!spaceErrors.length && def.sampler.kind === 'grid') {
      try { gridSize(space, def.sampler, def.nTrials); } catch (e) { errors.push(`${at}, ${f}: ${(e as Error).message}`); }
    }
  }
  errors.push(...validateSelection(def.selection).map((e) => `${at}: ${e}`));
  return errors;
}

/** Whether a saved study has trials left to run (a cancelled or interrupted study can be resumed). */
export function isResumable(state: StudyState): boolean {
  if (state.status === 'done') return false;
  try {
    return finishedCount(state) < totalTrials(state.definition);
  } catch {
    return false;
  }
}

function finishedCount(state: StudyState): number {
  const keys = new Set<string>();
  for (const t of state.trials) if (t.status !== 'cancelled') keys.add(trialKey(t.factor, t.id));
  return keys.size;
}

const trialKey = (factor: string, id: number) => `${factor}\u0000${id}`;

function sameParams(a: CandidateParams, b: CandidateParams): boolean {
  const ka = Object.keys(a) as (keyof CandidateParams)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Keeps the path from its first non-NaN day on (the prefix is NaN by definition). */
function storePath(path: CandidatePath): StoredPath {
  const x = path.longShort;
  let start = 0;
  while (start < x.length && x[start] !== x[start]) start++;
  const stored: StoredPath = { start, longShort: x.slice(start) };
  if (path.labels) stored.labels = path.labels.slice(start);
  if (path.refitDates) stored.refitDates = [...path.refitDates];
  return stored;
}

function checkPath(path: CandidatePath, dates: string[] | undefined): string | null {
  if (!path || !Array.isArray(path.dates) || !(path.longShort instanceof Float64Array)) {
    return 'the evaluator returned no path (expected { dates, longShort: Float64Array, … })';
  }
  if (path.longShort.length !== path.dates.length) {
    return `the path has ${path.longShort.length} daily returns for ${path.dates.length} dates — they must match`;
  }
  if (path.labels && path.labels.length !== path.dates.length) {
    return `the path has ${path.labels.length} labels for ${path.dates.length} dates — they must match`;
  }
  if (dates && dates !== path.dates) {
    const same = dates.length === path.dates.length && dates.every((d, i) => d === path.dates[i]);
    if (!same) {
      return `the path's calendar (${path.dates.length} days, ${path.dates[0]} … ${path.dates[path.dates.length - 1]}) differs from the study's (${dates.length} days, ${dates[0]} … ${dates[dates.length - 1]}) — every candidate must run on the same data`;
    }
  }
  return null;
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Pending {
  factor: string;
  factorIndex: number;
  id: number;
  batch: number;
  params: CandidateParams;
}

/**
 * Runs (or resumes, with `previous`) a study. Resolves with the study's state when it is done,
 * cancelled, or stopped by an error in `onTrial` / a resume mismatch (status 'error'); rejects only
 * when the definition is invalid. A failing trial is recorded with its error and the study goes on.
 */
export function runStudy(definition: StudyDefinition, opts: RunStudyOptions): Promise<StudyState> {
  const def = definition;
  const problems = validateDefinition(def);
  if (problems.length) return Promise.reject(new StudyError(problems.join('\n')));
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Promise.reject(new StudyError(`study ${def.id}: concurrency must be a whole number ≥ 1, got ${concurrency}`));
  }
  if (opts.previous && opts.previous.definition.id !== def.id) {
    return Promise.reject(new StudyError(`study ${def.id}: cannot resume from study ${opts.previous.definition.id} — ids differ`));
  }
  const now = opts.now ?? (() => (globalThis.performance ? globalThis.performance.now() : Date.now()));
  const interval = opts.progressIntervalMs ?? 100;

  // Finished trials of a resumed study: done and failed ones are kept, cancelled ones run again.
  const finished = new Map<string, TrialRecord>();
  const kept: TrialRecord[] = [];
  for (const t of opts.previous?.trials ?? []) {
    if (t.status === 'cancelled') continue;
    const k = trialKey(t.factor, t.id);
    if (!finished.has(k)) kept.push(t);
    finished.set(k, t);
  }
  const state: StudyState = { definition: def, status: 'running', trials: kept };
  if (opts.previous?.dates) state.dates = opts.previous.dates;

  const factors = def.factors;
  const nTrials = factors.map((f) => trialsFor(def, f));
  const batchSize = factors.map((_, i) => batchSizeOf(def.sampler, nTrials[i]!));
  const nBatches = factors.map((_, i) => Math.ceil(nTrials[i]! / batchSize[i]!));
  const nextBatch = factors.map(() => 0);
  /** finishedInBatch[f][b]: trials of batch b of factor f that are done or failed. */
  const finishedInBatch = factors.map((_, i) => new Int32Array(nBatches[i]!));
  const total = nTrials.reduce((a, b) => a + b, 0);
  let nFinished = 0, nFailed = 0;
  const best: StudyProgress['best'] = {};
  for (const f of factors) best[f] = null;
  const noteBest = (t: TrialRecord) => {
    if (t.status !== 'done' || Number.isNaN(t.score)) return;
    const b = best[t.factor];
    if (!b || t.score > b.score || (t.score === b.score && t.id < b.trialId)) best[t.factor] = { trialId: t.id, score: t.score, params: t.params };
  };
  for (const t of finished.values()) {
    const fi = factors.indexOf(t.factor);
    if (fi < 0 || t.id < 0 || t.id >= nTrials[fi]!) continue; // not part of this plan: ignored
    finishedInBatch[fi]![Math.floor(t.id / batchSize[fi]!)]!++;
    nFinished++;
    if (t.status === 'failed') nFailed++;
    noteBest(t);
  }

  const queue: Pending[] = [];
  const inFlight = new Map<string, { p: Pending; t0: number }>();
  const controller = new AbortController();
  const t0 = now();
  let sessionFinished = 0;
  let stopped = false;
  let persist: Promise<void> = Promise.resolve();
  let persistError: unknown = null;

  return new Promise<StudyState>((resolve) => {
    // ---- persistence (serialised) ----
    const enqueue = (fn: () => void | Promise<void>) => {
      persist = persist.then(fn).catch((e: unknown) => {
        if (persistError === null) {
          persistError = e;
          stop('error', `saving the study failed: ${errorMessage(e)} — the trials finished so far are kept; resume the study once storage works again`);
        }
      });
    };
    const emitStatus = () => { if (opts.onStatus) { const cb = opts.onStatus; enqueue(() => cb(state)); } };

    // ---- progress (throttled, with a trailing call) ----
    const progress = (): StudyProgress => {
      const elapsedMs = now() - t0;
      const left = total - nFinished;
      return {
        done: nFinished, failed: nFailed, total, running: inFlight.size, best: { ...best }, elapsedMs,
        etaMs: sessionFinished > 0 ? (elapsedMs / sessionFinished) * left : left === 0 ? 0 : null,
      };
    };
    // At most one progress call per interval (the project's one throttle), computed when delivered.
    const emitter = opts.onProgress
      ? throttle(() => { if (!stopped || finishing) opts.onProgress!(progress()); }, interval, {
        now, setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      })
      : null;
    let finishing = false;
    const emitProgress = (force = false) => {
      if (!emitter) return;
      emitter();
      if (force) emitter.flush();
    };

    const onAbort = () => stop('cancelled');
    const finish = () => {
      opts.signal?.removeEventListener('abort', onAbort);
      emitter?.cancel();
      if (opts.onProgress) { finishing = true; opts.onProgress(progress()); }
      // Let pending saves land before the caller sees the final state.
      void persist.then(() => resolve(state));
    };

    const stop = (status: 'cancelled' | 'error', error?: string) => {
      if (stopped) return;
      stopped = true;
      state.status = status;
      if (error) state.error = error;
      queue.length = 0;
      // Running trials: recorded as cancelled (a resume runs them again); their late results are ignored.
      const t = now();
      for (const { p, t0: started } of inFlight.values()) {
        const rec: TrialRecord = {
          factor: p.factor, id: p.id, batch: p.batch, params: p.params, status: 'cancelled',
          score: NaN, durationMs: t - started, finishedAt: new Date().toISOString(),
        };
        state.trials.push(rec);
        if (opts.onTrial) { const cb = opts.onTrial; enqueue(() => cb(rec, state)); }
      }
      inFlight.clear();
      controller.abort();
      emitStatus();
      finish();
    };

    // ---- proposals ----
    const propose = (fi: number): boolean => {
      const factor = factors[fi]!;
      const space = def.spaces[factor]!;
      const B = batchSize[fi]!;
      while (nextBatch[fi]! < nBatches[fi]!) {
        const b = nextBatch[fi]!;
        if (needsHistory(def.sampler)) {
          for (let e = 0; e < b; e++) {
            const size = Math.min(B, nTrials[fi]! - e * B);
            if (finishedInBatch[fi]![e]! < size) return true; // wait for earlier batches
          }
        }
        const ids: number[] = [];
        for (let id = b * B; id < Math.min(nTrials[fi]!, (b + 1) * B); id++) ids.push(id);
        const history: Observation[] = [];
        if (needsHistory(def.sampler)) {
          for (const t of finished.values()) {
            if (t.factor === factor && t.status === 'done' && Math.floor(t.id / B) < b) history.push({ id: t.id, params: t.params, score: t.score });
          }
        }
        const proposals = proposeBatch(space, def.sampler, { seed: def.seed, factor, batch: b, ids, nTrials: nTrials[fi]!, history });
        nextBatch[fi] = b + 1;
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j]!, params = proposals[j]!;
          const prev = finished.get(trialKey(factor, id));
          if (prev) {
            if (!sameParams(prev.params, params)) {
              stop('error', `study ${def.id}, ${factor} trial ${id}: the sampler now proposes ${JSON.stringify(params)} but the saved trial has ${JSON.stringify(prev.params)} — the study definition or the sampler changed since it was saved; start a new study`);
              return false;
            }
            continue;
          }
          queue.push({ factor, factorIndex: fi, id, batch: b, params });
        }
      }
      return true;
    };
    const sortQueue = () => queue.sort((a, b) => a.batch - b.batch || a.factorIndex - b.factorIndex || a.id - b.id);

    // ---- evaluation ----
    const record = (p: Pending, started: number, path: CandidatePath | null, error: unknown) => {
      const k = trialKey(p.factor, p.id);
      if (stopped || !inFlight.has(k)) return; // cancelled meanwhile: the result is dropped
      inFlight.delete(k);
      const durationMs = now() - started;
      let rec: TrialRecord;
      const problem = path ? checkPath(path, state.dates) : null;
      if (path && !problem) {
        if (!state.dates) state.dates = path.dates;
        rec = {
          factor: p.factor, id: p.id, batch: p.batch, params: p.params, status: 'done',
          score: scoreCandidate(state.dates, path.longShort, def.selection),
          summary: summarisePath(state.dates, path.longShort),
          path: storePath(path), durationMs, finishedAt: new Date().toISOString(),
        };
      } else {
        rec = {
          factor: p.factor, id: p.id, batch: p.batch, params: p.params, status: 'failed',
          error: problem ?? errorMessage(error), score: NaN, durationMs, finishedAt: new Date().toISOString(),
        };
      }
      state.trials.push(rec);
      finished.set(k, rec);
      finishedInBatch[p.factorIndex]![p.batch]!++;
      nFinished++;
      sessionFinished++;
      if (rec.status === 'failed') nFailed++;
      noteBest(rec);
      if (opts.onTrial) { const cb = opts.onTrial; enqueue(() => cb(rec, state)); }
      if (stopped) return; // a save failed inside enqueue's handler is asynchronous; checked on the next turn
      if (!propose(p.factorIndex)) return;
      sortQueue();
      emitProgress();
      pump();
    };

    const start = (p: Pending) => {
      const k = trialKey(p.factor, p.id);
      const started = now();
      inFlight.set(k, { p, t0: started });
      let call: Promise<CandidatePath>;
      try {
        call = Promise.resolve(opts.evaluate(p.params, { factor: p.factor, id: p.id }, controller.signal));
      } catch (e) {
        call = Promise.reject(e);
      }
      call.then((path) => record(p, started, path, null), (e: unknown) => record(p, started, null, e ?? new Error('evaluation failed')));
    };

    const pump = () => {
      while (!stopped && inFlight.size < concurrency && queue.length > 0) start(queue.shift()!);
      if (!stopped && inFlight.size === 0 && queue.length === 0) {
        if (nFinished >= total) {
          stopped = true;
          state.status = 'done';
          emitStatus();
          finish();
        } else {
          stop('error', `study ${def.id}: ${total - nFinished} trials could not be scheduled — this is a bug in the study runner`);
        }
      }
    };

    // ---- go ----
    if (opts.signal?.aborted) {
      state.status = 'cancelled';
      stopped = true;
      emitStatus();
      finish();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    emitStatus();
    for (let fi = 0; fi < factors.length; fi++) if (!propose(fi)) return;
    sortQueue();
    emitProgress(true);
    pump();
  });
}

/** Resumes a saved study (cancelled, interrupted or stopped by an error) with the same options. */
export function resumeStudy(state: StudyState, opts: Omit<RunStudyOptions, 'previous'>): Promise<StudyState> {
  return runStudy(state.definition, { ...opts, previous: state });
}
