// One way to set up a hyperparameter search (method.md §7), for every front end: the plan of a
// study on its data (the backtest's calendar, each factor's first out-of-sample day, the windows),
// the study definition built from a request with one set of defaults, limits and id, the evaluator
// that turns a regime executor into candidate paths (with its calendar check), and the analysis of
// a finished study (selection and the configuration with the chosen parameters).
import { featureCount, type RunConfig } from '../config.ts';
import type { Engine } from '../pipeline/engine.ts';
import type { RegimeExecutor } from '../pipeline/run.ts';
import { asymmetricSpace, symmetricSpace } from './space.ts';
import { tpeRandomTrials, tpeSettings } from './sampler.ts';
import { sameTicker } from '../data/panel.ts';
import { defaultStaticWindows, selectStudy, windowIndices, STATIC_MIN_DAYS, ROLLING_MIN_DAYS, ROLLING_EVERY_MONTHS, ROLLING_LOOKBACK_YEARS, type RollingSelection, type Selection, type StaticSelection } from './select.ts';
import { validateDefinition, totalTrials } from './study.ts';
import { sha256Text } from '../pipeline/sha256.ts';
import { applySelection } from './apply.ts';
import { studyOverfitting, type FactorOverfitting } from './overfitting.ts';
import { tuningConfigKey, type TuningStrategy } from './evaluate.ts';
import type { CandidatePath, Dimension, Evaluator, ParamName, SamplerConfig, SearchSpace, SelectionConfig, StudyDefinition, StudyState } from './types.ts';

/** Far end of a holdout window: "to the end of the data". */
export const FAR_END = '9999-12-31';
/** Limits every front end applies. */
export const MAX_TRIALS = 100_000;
export const DEFAULT_TRIALS = 50;
export const DEFAULT_TPE_BATCH = 8;
export const DEFAULT_TPE_STARTUP = 10;

/** What a study needs to know about its data before it starts. */
export interface StudyPlan {
  /** The candidates' calendar (the backtest's): every path is indexed by it. */
  dates: string[];
  /** Per factor: first day with a long-short return (first refit + 2, method.md §6). */
  firstOutOfSample: Record<string, string>;
  /** Per factor: the refits a candidate runs. */
  refits: Record<string, number>;
  /** Per factor: the first refit's date. */
  firstRefit: Record<string, string>;
  /** Latest first out-of-sample day over the factors (the common span starts here). */
  commonStart: string;
  /** Out-of-sample days of the common span. */
  outOfSampleDays: number;
  /** The suggested static split: validation from commonStart to this date (exclusive), holdout after (70% / 30%). */
  suggestedSplit: string;
  /** Features per factor (D): bounds κ². */
  featureCount: number;
}

export class StudyPlanError extends Error {}

/**
 * The plan of a study of `factors` on the engine's data set `dataKey` (builds the factors' contexts
 * there). Throws StudyPlanError, in words, when the data leave no out-of-sample days.
 */
export function planStudy(engine: Pick<Engine, 'prepared' | 'context'>, dataKey: string, config: RunConfig, factors: string[]): StudyPlan {
  const data = engine.prepared(dataKey, config);
  const dates = data.dates;
  const T = dates.length;
  const firstOutOfSample: Record<string, string> = {};
  const refits: Record<string, number> = {};
  const firstRefit: Record<string, string> = {};
  let first = 0;
  for (const ticker of factors) {
    const f = data.factorTickers.findIndex((t) => sameTicker(t, ticker));
    if (f < 0) throw new StudyPlanError(`${ticker} is not a factor of the configuration (${data.factorTickers.join(', ')}): pick one of those`);
    const ctx = engine.context(dataKey, config, f);
    const oos = ctx.refits.length ? Math.min(T, ctx.refits[0]!.day + 2) : T;
    if (oos >= T - 2) {
      throw new StudyPlanError(`${ticker}: no out-of-sample days — the first refit needs ${config.trainMinYears} years of valid features and the data run ${dates[0]} to ${dates[T - 1]}; load a longer history or lower trainMinYears (the minimum training years)`);
    }
    firstOutOfSample[ticker] = dates[oos]!;
    refits[ticker] = ctx.refits.length;
    firstRefit[ticker] = dates[ctx.refits[0]!.day]!;
    first = Math.max(first, oos);
  }
  // The suggested 70% / 30% split of the common out-of-sample span (select.ts defaultStaticWindows).
  const marker = new Float64Array(T).fill(NaN).fill(0, first);
  const w = defaultStaticWindows(dates, [{ trialId: 0, params: {}, longShort: marker }]);
  return {
    dates: dates.slice(), firstOutOfSample, refits, firstRefit, commonStart: dates[first]!, outOfSampleDays: T - first,
    suggestedSplit: w.validation.end, featureCount: featureCount(config),
  };
}

/** A study as a person asks for it (the CLI's flags, the Tune screen's form); absent = the default. */
export interface StudyRequest {
  name?: string;
  /** Factor tickers of the configuration, or all of them. */
  factors: string[] | 'all';
  /** The search space: symmetric (λ, κ²) or asymmetric (λ_enter, λ_exit, κ²). */
  kind: TuningStrategy;
  /** Changes to the default space (method.md §7 ranges), per parameter. */
  edits?: Partial<Record<ParamName, Partial<Omit<Dimension, 'name'>>>>;
  /** Default: TPE for static selection, grid for rolling (TPE steers by whole-path Sharpe, which a rolling choice must not read). */
  sampler?: SamplerConfig['kind'];
  /** Trials per factor, 1 … MAX_TRIALS (default 50; a grid uses ⌊n^(1/d)⌋ points per searched dimension). */
  nTrials?: number;
  batchSize?: number;
  nStartup?: number;
  seed?: number;
  selection?: 'static' | 'rolling';
  /** Static: first holdout day (validation ends the day before); default the 70% / 30% split. */
  split?: string;
  everyMonths?: number;
  lookbackYears?: number;
  /** Whatever the front end needs to rebuild the evaluator on resume (stored with the study). */
  context?: Record<string, unknown>;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * What the front ends say about a TPE study's random start-up trials (null for other samplers and
 * invalid TPE settings): how many of the trials per factor are random draws, and — `randomOnly` —
 * when that is every trial, so that the study is a plain random search.
 */
export function tpeRandomNote(nTrials: number, sampler: SamplerConfig): { text: string; randomOnly: boolean } | null {
  const r = tpeRandomTrials(nTrials, sampler);
  if (!r || sampler.kind !== 'tpe') return null;
  const s = tpeSettings(sampler); // valid: tpeRandomTrials read it
  if (r.modelled === 0) {
    return {
      randomOnly: true,
      text: `With ${count(nTrials, 'trial')} per factor and ${count(s.nStartup, 'random start-up trial')}, every trial is a random start-up draw: TPE never gets to learn from the scores, so this is a plain random search. ` +
        `For TPE to steer, give it more than ${r.startup.toLocaleString('en-US')} trials per factor, or fewer start-up trials.`,
    };
  }
  return {
    randomOnly: false,
    text: `The first ${count(r.random, 'trial')} per factor are random start-up draws (${count(r.random / s.batchSize, 'batch', 'batches')} of ${s.batchSize.toLocaleString('en-US')}); TPE proposes the other ${r.modelled.toLocaleString('en-US')} from the scores so far.`,
  };
}

/** Why TPE does not suit rolling selection, said with every TPE study that selects rolling. */
export const TPE_ROLLING_NOTE = 'TPE steers the candidates by whole-path Sharpe, which includes days after early re-tune dates; for a strictly out-of-sample rolling study use the grid or random sampler.';

/** The sampler a request gets when it names none. */
export function defaultSampler(selection: 'static' | 'rolling'): SamplerConfig['kind'] {
  return selection === 'rolling' ? 'grid' : 'tpe';
}

const isWhole = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/**
 * The study definition of a request on a plan, or the problems in words. The id is a hash of the
 * definition, the configuration and the data: the same study asked twice has the same id (and, all
 * being deterministic, the same trials), so a front end can offer the saved one instead.
 */
export function buildStudyDefinition(req: StudyRequest, config: RunConfig, plan: StudyPlan, dataKey: string, createdAt: number): { definition: StudyDefinition; notes: string[] } | { errors: string[] } {
  const errors: string[] = [];
  const notes: string[] = [];
  const tickers = config.factors.map((f) => f.ticker);
  const factors = req.factors === 'all' ? tickers : tickers.filter((t) => (req.factors as string[]).some((x) => sameTicker(x, t)));
  if (req.factors !== 'all') {
    for (const x of req.factors) if (!tickers.some((t) => sameTicker(t, x))) errors.push(`${x} is not a factor of the configuration (${tickers.join(', ')}).`);
  }
  if (!factors.length) errors.push('Pick at least one factor to tune.');
  const mode = req.selection ?? 'static';
  const samplerKind = req.sampler ?? defaultSampler(mode);
  const nTrials = req.nTrials ?? DEFAULT_TRIALS;
  if (!isWhole(nTrials, 1, MAX_TRIALS)) errors.push(`Trials per factor must be a whole number from 1 to ${MAX_TRIALS.toLocaleString('en-US')}, got ${String(nTrials)}.`);
  const seed = req.seed ?? 0;
  if (!isWhole(seed, 0, 4294967295)) errors.push(`The seed must be a whole number from 0 to 4,294,967,295, got ${String(seed)}.`);
  let sampler: SamplerConfig | null = null;
  if (samplerKind === 'tpe') {
    const batchSize = req.batchSize ?? DEFAULT_TPE_BATCH, nStartup = req.nStartup ?? DEFAULT_TPE_STARTUP;
    if (!isWhole(batchSize, 1, 1000)) errors.push(`The TPE batch size must be a whole number from 1 to 1,000, got ${String(batchSize)}.`);
    if (!isWhole(nStartup, 1, MAX_TRIALS)) errors.push(`The TPE random start-up trials must be a whole number from 1 to ${MAX_TRIALS.toLocaleString('en-US')}, got ${String(nStartup)}.`);
    sampler = { kind: 'tpe', batchSize, nStartup };
    const startup = isWhole(nTrials, 1, MAX_TRIALS) ? tpeRandomNote(nTrials, sampler) : null;
    if (startup?.randomOnly) notes.push(startup.text);
    if (mode === 'rolling') notes.push(TPE_ROLLING_NOTE);
  } else if (samplerKind === 'grid' || samplerKind === 'random') {
    if (req.batchSize !== undefined || req.nStartup !== undefined) errors.push('The batch size and start-up trials apply to the TPE sampler only.');
    sampler = { kind: samplerKind };
  } else errors.push(`The sampler must be grid, random or tpe, got ${String(samplerKind)}.`);

  let selection: SelectionConfig | null = null;
  const dates = plan.dates;
  const lastDate = dates[dates.length - 1] ?? '';
  if (mode === 'static') {
    if (req.everyMonths !== undefined || req.lookbackYears !== undefined) errors.push('Months between re-tunes and the lookback apply to rolling selection.');
    const split = req.split?.trim() || plan.suggestedSplit;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(split)) errors.push(`The holdout start must be a date YYYY-MM-DD, got “${req.split}”.`);
    else if (split <= plan.commonStart || split > lastDate) errors.push(`The holdout must start inside the out-of-sample span, after ${plan.commonStart} and by ${lastDate}.`);
    else {
      const validation = { start: plan.commonStart, end: split };
      const [lo, hi] = windowIndices(dates, validation);
      if (hi - lo < STATIC_MIN_DAYS) errors.push(`The validation window ${plan.commonStart} – ${split} has ${hi - lo} days; a candidate needs at least ${STATIC_MIN_DAYS}. Move the holdout start later, load a longer history or lower the minimum training years.`);
      selection = { mode: 'static', validation, holdout: { start: split, end: FAR_END } };
    }
  } else if (mode === 'rolling') {
    if (req.split !== undefined) errors.push('The holdout start applies to static selection (rolling selection has no fixed windows).');
    const everyMonths = req.everyMonths ?? ROLLING_EVERY_MONTHS;
    const lookbackYears = req.lookbackYears ?? ROLLING_LOOKBACK_YEARS;
    if (!isWhole(everyMonths, 1, 120)) errors.push(`Months between re-tunes must be a whole number from 1 to 120, got ${String(everyMonths)}.`);
    if (!(typeof lookbackYears === 'number' && lookbackYears >= 1 / 12 && lookbackYears <= 50)) errors.push(`The lookback must be from one month (0.0833 years) to 50 years, got ${String(lookbackYears)}.`);
    if (plan.outOfSampleDays <= ROLLING_MIN_DAYS) errors.push(`The candidates' paths have ${plan.outOfSampleDays} out-of-sample days; rolling selection needs more than ${ROLLING_MIN_DAYS} (one year before the first choice). Load a longer history or lower the minimum training years.`);
    else if (plan.outOfSampleDays / 252 < lookbackYears) notes.push(`The paths are ${(plan.outOfSampleDays / 252).toFixed(1)} years long, shorter than the ${lookbackYears}-year lookback: early choices read less history.`);
    selection = { mode: 'rolling', everyMonths, lookbackYears };
  } else errors.push(`The selection must be static or rolling, got ${String(mode)}.`);

  let space: SearchSpace | null = null;
  const D = plan.featureCount;
  try {
    const e = req.edits ?? {};
    if (req.kind === 'symmetric') {
      if (e.jumpPenaltyEnter || e.jumpPenaltyExit) errors.push('λ enter and λ leave are parameters of the asymmetric space; the symmetric space has λ and κ².');
      space = symmetricSpace(D, { jumpPenalty: e.jumpPenalty, maxFeatures: e.maxFeatures });
    } else if (req.kind === 'asymmetric') {
      if (e.jumpPenalty) errors.push('λ is a parameter of the symmetric space; the asymmetric space has λ enter, λ leave and κ².');
      space = asymmetricSpace(D, { jumpPenaltyEnter: e.jumpPenaltyEnter, jumpPenaltyExit: e.jumpPenaltyExit, maxFeatures: e.maxFeatures });
    } else errors.push(`The search space must be symmetric or asymmetric, got ${String(req.kind)}.`);
  } catch (err) {
    errors.push(err instanceof Error ? err.message : String(err));
  }
  if (errors.length || !sampler || !selection || !space) return { errors };

  const spaces: Record<string, SearchSpace> = {};
  for (const f of factors) spaces[f] = space;
  const body = { factors, spaces, sampler, nTrials, seed, selection };
  const id = `study-${sha256Text(JSON.stringify([body, tuningConfigKey(config), dataKey])).slice(0, 16)}`;
  const name = req.name?.trim().slice(0, 120) || `${factors.join(', ')} · ${req.kind} · ${sampler.kind} ×${nTrials} · ${selection.mode}`;
  const definition: StudyDefinition = { id, name, createdAt: new Date(createdAt).toISOString(), ...body, context: req.context };
  if (!definition.context) delete definition.context;
  const problems = validateDefinition(definition, D);
  if (problems.length) return { errors: problems.map((p) => p.replace(/^study [^:]+: /, '')) };
  try { totalTrials(definition); } catch (e) { return { errors: [e instanceof Error ? e.message : String(e)] }; }
  return { definition, notes };
}

/**
 * The evaluator of a study: each candidate is one regime task (the factor's walk-forward path with
 * the candidate's constant parameters, method.md §6-§7) on the executor, whose engines cache its
 * refits and chain (so the backtest of the chosen parameters fits nothing again). The path must be
 * on the study's calendar.
 */
export function executorEvaluator(executor: RegimeExecutor, opts: { dataKey: string; config: RunConfig; strategy: TuningStrategy; dates: readonly string[] }): Evaluator {
  const { dataKey, config, strategy, dates } = opts;
  return async (params, trial, signal): Promise<CandidatePath> => {
    const factorIndex = config.factors.findIndex((f) => sameTicker(f.ticker, trial.factor));
    if (factorIndex < 0) throw new Error(`${trial.factor} is not a factor of the study's configuration`);
    const r = await executor.run({ dataKey, config, factorIndex, strategy, candidate: params }, undefined, signal);
    const c = r.calendar;
    if (c.length !== dates.length || c.first !== dates[0] || c.last !== dates[dates.length - 1]) {
      throw new Error(`the engine's calendar (${c.length} days, ${c.first} … ${c.last}) differs from the study's (${dates.length} days, ${dates[0]} … ${dates[dates.length - 1]})`);
    }
    if (!r.longShort) throw new Error('the engine returned no long-short series for a candidate');
    return { params: { ...params }, dates: dates as string[], longShort: r.longShort, labels: r.path.labels, refitDates: r.path.refits.map((x) => dates[x.day]!) };
  };
}

/** A selection without its stitched daily series (screens show the choices, not the series). */
export type SelectionView = StaticSelection | Omit<RollingSelection, 'longShort'>;

export interface StudyAnalysis {
  selections: Record<string, SelectionView>;
  /** The study's configuration with the chosen parameters, or why it could not be made. */
  applied: { config: RunConfig; applied: string[]; notes: string[] } | null;
  applyError: string | null;
  strategy: TuningStrategy;
  /** Per factor: PBO of its candidates and the deflated Sharpe of the chosen one (method.md §12). */
  overfitting: Record<string, FactorOverfitting>;
}

/** Selection per factor (static or rolling, method.md §7) and the configuration with the chosen parameters. */
export function analyseStudy(state: StudyState, config: RunConfig, strategy: TuningStrategy): StudyAnalysis & { full: Record<string, Selection> } {
  const full = selectStudy(state);
  const selections: Record<string, SelectionView> = {};
  for (const [f, s] of Object.entries(full)) {
    if (s.mode === 'rolling') { const { longShort: _drop, ...rest } = s; void _drop; selections[f] = rest; } else selections[f] = s;
  }
  let applied: StudyAnalysis['applied'] = null;
  let applyError: string | null = null;
  try {
    applied = applySelection(config, full, strategy);
  } catch (e) {
    applyError = e instanceof Error ? e.message : String(e);
  }
  return { selections, applied, applyError, strategy, full, overfitting: studyOverfitting(state, full) };
}
