// The tuning worker (issues 5 and 6, Tune screen): evaluates one candidate at a time — one
// factor's full walk-forward path with constant hyperparameters (method.md §6-§7) — with the pure
// core evaluator (src/core/tuning/evaluate.ts), and does the study's selection and "use these
// parameters" (select.ts, apply.ts) off the page's main thread. A thin shell over core (the squoosh
// pattern, conventions.md): the page imports only `type TuneWorkerApi`.
//
// The panel arrives once per worker (`setData`); the context cache then builds each factor's
// features and per-refit preprocessors once per worker, and every candidate only reads them
// (method.md §7 "features once per factor, preprocessing once per refit"; §11 "no mutable state
// shared across trials": each evaluation allocates its own buffers). Cancel is the pool's job: it
// terminates this worker at once (conventions.md).
import { expose, transfer } from 'comlink';
import type { Panel } from '../src/core/data/panel.ts';
import { featureCount, type RunConfig } from '../src/core/config.ts';
import { TuningContextCache, evaluateCandidate, type TuningStrategy } from '../src/core/tuning/evaluate.ts';
import { defaultStaticWindows, selectStudy, type RollingSelection, type StaticSelection } from '../src/core/tuning/select.ts';
import { applySelection } from '../src/core/tuning/apply.ts';
import { studyOverfitting, type FactorOverfitting } from '../src/core/tuning/overfitting.ts';
import type { CandidateParams, StudyState } from '../src/core/tuning/types.ts';

/** What a study needs to know about its data before it starts (the calendar and the windows). */
export interface StudyPlan {
  /** The candidates' calendar (the backtest's): every path is indexed by it. */
  dates: string[];
  /** Per factor: first day with a long-short return (first refit + 2, method.md §6). */
  firstOutOfSample: Record<string, string>;
  /** Per factor: number of monthly refits a candidate runs. */
  refits: Record<string, number>;
  /** Latest first out-of-sample day over the factors (the common span starts here). */
  commonStart: string;
  /** Out-of-sample days of the common span. */
  outOfSampleDays: number;
  /** The suggested static split: validation from commonStart to this date (exclusive), holdout after (70% / 30%). */
  suggestedSplit: string;
  /** Features per factor (D): bounds κ². */
  featureCount: number;
  /** Time spent building the factors' contexts in this worker, ms. */
  buildMs: number;
}

/** One candidate's path, without the calendar (the page has it: 25 years of dates need not cross every time). */
export interface EvaluateReply {
  longShort: Float64Array;
  labels: Int8Array;
  refitDates: string[];
  /** Length, first and last date of this worker's calendar, checked against the study's by the page. */
  calendar: { length: number; first: string; last: string };
  /** Time spent on the candidate in this worker, ms; `built`: the factor's context had to be built first. */
  ms: number;
  built: boolean;
}

/** A selection without its stitched daily series (the page shows the choices, not the series). */
export type SelectionView = StaticSelection | Omit<RollingSelection, 'longShort'>;

export interface StudyAnalysis {
  /** Per factor, in the study's selection mode. */
  selections: Record<string, SelectionView>;
  /** The study's configuration with the chosen parameters, or why it could not be made. */
  applied: { config: RunConfig; applied: string[]; notes: string[] } | null;
  applyError: string | null;
  strategy: TuningStrategy;
  /** Per factor: PBO of its candidates and the deflated Sharpe of the chosen one (method.md §12). */
  overfitting: Record<string, FactorOverfitting>;
}

let data: { key: string; panel: Panel } | null = null;
const cache = new TuningContextCache();

function needData(key: string): Panel {
  if (!data || data.key !== key) throw new Error('The tuning worker has no data set loaded (it was restarted): start or resume the study again.');
  return data.panel;
}

const api = {
  /** Whether this worker holds the data set `key` (the page sends the panel only when it does not). */
  hasData(key: string): boolean {
    return data?.key === key;
  },

  /** Keeps the data set (replacing another; its cached contexts are dropped). */
  setData(key: string, panel: Panel): void {
    if (data?.key !== key) cache.clear();
    data = { key, panel };
  },

  /**
   * Builds the factors' contexts (features, refit schedule, preprocessors) and returns the study's
   * calendar and windows. Throws, in words, when the data leave no out-of-sample days.
   */
  plan(key: string, config: RunConfig, factors: string[]): StudyPlan {
    const panel = needData(key);
    const t0 = performance.now();
    const contexts = factors.map((f) => cache.context(key, panel, config, f));
    const dates = contexts[0]!.dates;
    const T = dates.length;
    const firstOutOfSample: Record<string, string> = {};
    const refits: Record<string, number> = {};
    let first = 0;
    for (const c of contexts) {
      if (c.firstOutOfSample >= T - 2) {
        throw new Error(`${c.ticker}: no out-of-sample days — the first refit needs ${config.trainMinYears} years of valid features and the data run ${dates[0]} to ${dates[T - 1]}; load a longer history or lower “Minimum training years” on the Backtest screen.`);
      }
      firstOutOfSample[c.ticker] = dates[c.firstOutOfSample]!;
      refits[c.ticker] = c.refitDates.length;
      first = Math.max(first, c.firstOutOfSample);
    }
    // The suggested 70% / 30% split of the common out-of-sample span (select.ts defaultStaticWindows).
    const marker = new Float64Array(T).fill(NaN).fill(0, first);
    const w = defaultStaticWindows(dates, [{ trialId: 0, params: {}, longShort: marker }]);
    return {
      dates, firstOutOfSample, refits, commonStart: dates[first]!, outOfSampleDays: T - first,
      suggestedSplit: w.validation.end, featureCount: featureCount(config), buildMs: performance.now() - t0,
    };
  },

  /** One candidate's walk-forward path (method.md §6), its buffers transferred to the page. */
  evaluate(key: string, config: RunConfig, factor: string, strategy: TuningStrategy, params: CandidateParams): EvaluateReply {
    const panel = needData(key);
    const t0 = performance.now();
    const before = cache.builds;
    const ctx = cache.context(key, panel, config, factor);
    const path = evaluateCandidate(ctx, params, { strategy });
    const labels = path.labels ?? new Int8Array(0);
    const reply: EvaluateReply = {
      longShort: path.longShort, labels, refitDates: path.refitDates ?? [],
      calendar: { length: ctx.dates.length, first: ctx.dates[0] ?? '', last: ctx.dates[ctx.dates.length - 1] ?? '' },
      ms: performance.now() - t0, built: cache.builds > before,
    };
    return transfer(reply, [path.longShort.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]);
  },

  /**
   * The study's selection per factor (static or rolling, method.md §7), its configuration with the
   * chosen parameters (apply.ts), and how much of the choice may be selection: PBO and deflated
   * Sharpe per factor (tuning/overfitting.ts). `config` is the configuration the candidates ran with.
   */
  analyse(state: StudyState, config: RunConfig, strategy: TuningStrategy): StudyAnalysis {
    const selections = selectStudy(state);
    const views: Record<string, SelectionView> = {};
    for (const [f, s] of Object.entries(selections)) {
      if (s.mode === 'rolling') { const { longShort: _drop, ...rest } = s; void _drop; views[f] = rest; }
      else views[f] = s;
    }
    let applied: StudyAnalysis['applied'] = null;
    let applyError: string | null = null;
    try {
      applied = applySelection(config, selections, strategy);
    } catch (e) {
      applyError = e instanceof Error ? e.message : String(e);
    }
    return { selections: views, applied, applyError, strategy, overfitting: studyOverfitting(state, selections) };
  },
};

export type TuneWorkerApi = typeof api;

expose(api);
