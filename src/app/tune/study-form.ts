// The Tune screen's "start a study" form (issue 5 + 6) and its translation into a core
// StudyDefinition (src/core/tuning/types.ts): search space (method.md §7 default ranges, editable),
// sampler, trials, seed and selection mode. The values are kept as text, as typed; `buildDefinition`
// validates them (with core's own validateDefinition) and says what is wrong in words.
import type { RunConfig } from '../../core/config.ts';
import { asymmetricSpace, symmetricSpace } from '../../core/tuning/space.ts';
import { gridSize, tpeSettings } from '../../core/tuning/sampler.ts';
import { STATIC_MIN_DAYS, ROLLING_MIN_DAYS, ROLLING_EVERY_MONTHS, ROLLING_LOOKBACK_YEARS, windowIndices } from '../../core/tuning/select.ts';
import { validateDefinition, totalTrials } from '../../core/tuning/study.ts';
import { deriveSeed } from '../../core/tuning/rng.ts';
import type { Dimension, ParamName, SamplerConfig, SearchSpace, SelectionConfig, StudyDefinition } from '../../core/tuning/types.ts';
import type { TuningStrategy } from '../../core/tuning/evaluate.ts';
import { formatDate, formatDateRange, formatInteger, parseDateInput, plural } from '../format.ts';

/** Far end of the holdout window: "to the end of the data". */
export const FAR_END = '9999-12-31';

export interface DimensionForm {
  low: string;
  high: string;
  log: boolean;
  /** Fix the parameter to `value` instead of searching it. */
  fixed: boolean;
  value: string;
}

export interface StudyForm {
  name: string;
  factors: string[];
  kind: TuningStrategy;
  dims: Record<ParamName, DimensionForm>;
  sampler: 'grid' | 'random' | 'tpe';
  /** Trials per factor (a grid uses ⌊trials^(1/d)⌋ points per searched dimension). */
  trials: string;
  batchSize: string;
  startup: string;
  seed: string;
  selection: 'static' | 'rolling';
  /** Static: first holdout day (validation ends the day before); '' = the suggested 70% / 30% split. */
  split: string;
  everyMonths: string;
  lookbackYears: string;
  /** Workers of the pool; '' = automatic (every core but one). */
  workers: string;
}

/** The form's defaults: method.md §7 ranges (λ log-uniform 1-1000, κ² uniform 1-D; '' high = D). */
export function defaultStudyForm(): StudyForm {
  const penalty = (): DimensionForm => ({ low: '1', high: '1000', log: true, fixed: false, value: '50' });
  return {
    name: '',
    factors: [],
    kind: 'symmetric',
    dims: {
      jumpPenalty: penalty(),
      jumpPenaltyEnter: { ...penalty(), value: '25' },
      jumpPenaltyExit: { ...penalty(), value: '75' },
      maxFeatures: { low: '1', high: '', log: false, fixed: false, value: '9.5' },
    },
    sampler: 'tpe',
    trials: '50',
    batchSize: '8',
    startup: '10',
    seed: '0',
    selection: 'static',
    split: '',
    everyMonths: String(ROLLING_EVERY_MONTHS),
    lookbackYears: String(ROLLING_LOOKBACK_YEARS),
    workers: '',
  };
}

/** The parameters of a space kind, in the order the form shows them. */
export function dimensionNames(kind: TuningStrategy): ParamName[] {
  return kind === 'symmetric' ? ['jumpPenalty', 'maxFeatures'] : ['jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures'];
}

export const PARAM_LABELS: Record<ParamName, string> = {
  jumpPenalty: 'Jump penalty λ',
  jumpPenaltyEnter: 'λ enter bear (bull → bear)',
  jumpPenaltyExit: 'λ leave bear (bear → bull)',
  maxFeatures: 'Effective features κ²',
};

export const PARAM_SHORT: Record<ParamName, string> = {
  jumpPenalty: 'λ', jumpPenaltyEnter: 'λ enter', jumpPenaltyExit: 'λ leave', maxFeatures: 'κ²',
};

function num(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

function whole(s: string, min: number, max: number): number | null {
  const v = num(s);
  return Number.isInteger(v) && v >= min && v <= max ? v : null;
}

/** Most workers a study may use (more than the cores only share them). */
export const MAX_WORKERS = 16;

/** The pool size the form asks for: `auto` when empty, else a whole number 1…MAX_WORKERS (null when invalid). */
export function workersFromForm(form: StudyForm, auto: number): number | null {
  if (form.workers.trim() === '') return auto;
  return whole(form.workers, 1, MAX_WORKERS);
}

/** The search space of the form (no validation: core's validateSpace does that). */
export function spaceFromForm(form: StudyForm, D: number): SearchSpace {
  const edits: Partial<Record<ParamName, Partial<Omit<Dimension, 'name'>>>> = {};
  for (const name of dimensionNames(form.kind)) {
    const d = form.dims[name];
    const high = d.high.trim() === '' && name === 'maxFeatures' ? D : num(d.high);
    const e: Partial<Omit<Dimension, 'name'>> = { low: num(d.low), high, log: d.log };
    if (d.fixed) e.fixed = num(d.value);
    edits[name] = e;
  }
  return form.kind === 'symmetric'
    ? symmetricSpace(D, { jumpPenalty: edits.jumpPenalty, maxFeatures: edits.maxFeatures })
    : asymmetricSpace(D, { jumpPenaltyEnter: edits.jumpPenaltyEnter, jumpPenaltyExit: edits.jumpPenaltyExit, maxFeatures: edits.maxFeatures });
}

/**
 * How TPE spends a factor's trials: batch b is proposed from the finished trials of earlier batches
 * only, and at random until `nStartup` have finished (core sampler.ts), so the first
 * ⌈nStartup / batchSize⌉ whole batches are random draws (more if trials fail). When that is every
 * trial, the study is a plain random search, and the form and the progress line say so.
 */
export function tpeRandomTrials(nTrials: number, sampler: SamplerConfig): { random: number; modelled: number; startup: number } | null {
  if (sampler.kind !== 'tpe') return null;
  let s: ReturnType<typeof tpeSettings>;
  try { s = tpeSettings(sampler); } catch { return null; } // invalid settings: the form says so elsewhere
  const startup = Math.ceil(s.nStartup / s.batchSize) * s.batchSize;
  const random = Math.min(nTrials, startup);
  return { random, modelled: nTrials - random, startup };
}

/** The sentence about `tpeRandomTrials` (null for other samplers). */
export function tpeRandomNote(nTrials: number, sampler: SamplerConfig): string | null {
  const r = tpeRandomTrials(nTrials, sampler);
  if (!r || sampler.kind !== 'tpe') return null;
  const s = tpeSettings(sampler); // valid: tpeRandomTrials read it
  if (r.modelled === 0) {
    return `With ${plural(nTrials, 'trial')} per factor and ${plural(s.nStartup, 'random start-up trial')}, every trial is a random start-up draw: TPE never gets to learn from the scores, so this is a plain random search. ` +
      `For TPE to steer, give it more than ${formatInteger(r.startup)} trials per factor, or fewer start-up trials.`;
  }
  return `The first ${plural(r.random, 'trial')} per factor are random start-up draws (${plural(r.random / s.batchSize, 'batch', 'batches')} of ${formatInteger(s.batchSize)}); TPE proposes the other ${formatInteger(r.modelled)} from the scores so far.`;
}

export function samplerFromForm(form: StudyForm): SamplerConfig | string {
  if (form.sampler === 'grid') return { kind: 'grid' };
  if (form.sampler === 'random') return { kind: 'random' };
  const batchSize = whole(form.batchSize, 1, 1000);
  const nStartup = whole(form.startup, 1, 100000);
  if (batchSize === null) return 'TPE batch size must be a whole number from 1 to 1,000.';
  if (nStartup === null) return 'TPE random start-up trials must be a whole number from 1 to 100,000.';
  return { kind: 'tpe', batchSize, nStartup };
}

/** Trials per factor the form asks for, and the study's total (a grid's size is its own). */
export function trialCount(form: StudyForm, D: number): { perFactor: number; total: number } | string {
  const n = whole(form.trials, 1, 10000);
  if (n === null) return 'Trials per factor must be a whole number from 1 to 10,000.';
  const sampler = samplerFromForm(form);
  if (typeof sampler === 'string') return sampler;
  if (sampler.kind !== 'grid') return { perFactor: n, total: n * Math.max(1, form.factors.length) };
  try {
    const per = gridSize(spaceFromForm(form, D), sampler, n);
    return { perFactor: per, total: per * Math.max(1, form.factors.length) };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** What the study needs to know about the data (from the tuning worker's plan). */
export interface PlanInfo {
  dates: string[];
  commonStart: string;
  outOfSampleDays: number;
  suggestedSplit: string;
  featureCount: number;
}

export interface AppStudyContext {
  tool: 'app';
  strategy: TuningStrategy;
  /** The configuration every candidate ran with (fitted to the data set, with its reference). */
  config: RunConfig;
}

/**
 * The study definition of the form, or the problems in words. `config` is the run configuration
 * (fitted to the selected data set), `plan` what the worker found about the data, `now` the
 * creation time (ms) — informational, and part of the id so two studies never share one.
 */
export function buildDefinition(form: StudyForm, config: RunConfig, plan: PlanInfo, now: number): { definition: StudyDefinition } | { errors: string[] } {
  const errors: string[] = [];
  const tickers = config.factors.map((f) => f.ticker);
  const factors = tickers.filter((t) => form.factors.includes(t));
  if (!factors.length) errors.push('Pick at least one factor to tune.');
  const D = plan.featureCount;
  const sampler = samplerFromForm(form);
  if (typeof sampler === 'string') errors.push(sampler);
  const nTrials = whole(form.trials, 1, 10000);
  if (nTrials === null) errors.push('Trials per factor must be a whole number from 1 to 10,000.');
  const seed = whole(form.seed, 0, 4294967295);
  if (seed === null) errors.push('The seed must be a whole number from 0 to 4,294,967,295.');

  let selection: SelectionConfig | null = null;
  const dates = plan.dates;
  const lastDate = dates[dates.length - 1] ?? '';
  if (form.selection === 'static') {
    const typed = parseDateInput(form.split);
    const split = 'error' in typed ? null : typed.iso ?? plan.suggestedSplit;
    if ('error' in typed || !split) errors.push(`The holdout start: ${'error' in typed ? typed.error : 'no date'}.`);
    else if (split <= plan.commonStart || split > lastDate) errors.push(`The holdout must start inside the out-of-sample span, after ${formatDate(plan.commonStart)} and by ${formatDate(lastDate)}.`);
    else {
      const validation = { start: plan.commonStart, end: split };
      const [lo, hi] = windowIndices(dates, validation);
      if (hi - lo < STATIC_MIN_DAYS) errors.push(`The validation window ${formatDateRange(plan.commonStart, split)} has ${plural(hi - lo, 'day')}; a candidate needs at least ${formatInteger(STATIC_MIN_DAYS)}. Move the holdout start later.`);
      selection = { mode: 'static', validation, holdout: { start: split, end: FAR_END } };
    }
  } else {
    const everyMonths = whole(form.everyMonths, 1, 120);
    const lookbackYears = num(form.lookbackYears);
    if (everyMonths === null) errors.push('Months between re-tunes must be a whole number from 1 to 120.');
    if (!(lookbackYears >= 1 / 12 && lookbackYears <= 50)) errors.push('The lookback must be from one month (0.0833 years) to 50 years.');
    if (plan.outOfSampleDays <= ROLLING_MIN_DAYS) errors.push(`The candidates' paths have ${plural(plan.outOfSampleDays, 'out-of-sample day')}; rolling selection needs more than ${formatInteger(ROLLING_MIN_DAYS)}. Load a longer history or lower the minimum training years.`);
    if (everyMonths !== null && lookbackYears > 0) selection = { mode: 'rolling', everyMonths, lookbackYears };
  }
  if (errors.length || typeof sampler === 'string' || nTrials === null || seed === null || !selection) return { errors };

  const space = spaceFromForm(form, D);
  const spaces: Record<string, SearchSpace> = {};
  for (const f of factors) spaces[f] = space;
  const body = { factors, spaces, sampler, nTrials, seed, selection };
  const id = `study-${deriveSeed(JSON.stringify(body), JSON.stringify({ ...config, dataset: null }), config.dataset?.hash ?? '', now).toString(16).padStart(8, '0')}-${now.toString(36)}`;
  const name = form.name.trim().slice(0, 120) || `${factors.join(', ')} · ${form.kind} · ${sampler.kind} ×${nTrials} · ${selection.mode}`;
  const context: AppStudyContext = { tool: 'app', strategy: form.kind, config };
  const definition: StudyDefinition = {
    id, name, createdAt: new Date(now).toISOString(), ...body, context: context as unknown as Record<string, unknown>,
  };
  const problems = validateDefinition(definition, D);
  if (problems.length) return { errors: problems.map((p) => p.replace(/^study [^:]+: /, '')) };
  try { totalTrials(definition); } catch (e) { return { errors: [e instanceof Error ? e.message : String(e)] }; }
  return { definition };
}

/** The configuration and model a saved study ran with (app studies and `cli tune` files alike). */
export function studyContext(def: StudyDefinition): { config: RunConfig | null; strategy: TuningStrategy; datasetHash: string | null; datasetName: string | null } {
  const ctx = (def.context ?? {}) as Partial<AppStudyContext> & { data?: { hash?: string; name?: string } };
  const config = ctx.config && typeof ctx.config === 'object' ? ctx.config : null;
  const strategy: TuningStrategy = ctx.strategy === 'asymmetric' || ctx.strategy === 'symmetric' ? ctx.strategy : (def.spaces[def.factors[0] ?? '']?.kind ?? 'symmetric');
  const datasetHash = config?.dataset?.hash ?? ctx.data?.hash ?? null;
  const datasetName = config?.dataset?.name ?? ctx.data?.name ?? null;
  return { config, strategy, datasetHash, datasetName };
}
