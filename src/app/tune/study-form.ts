// The Tune screen's "start a study" form and its translation into a core
// StudyDefinition (src/core/tuning/types.ts): search space (method.md §7 default ranges, editable),
// sampler, trials, seed and selection mode. The values are kept as text, as typed; `buildDefinition`
// validates them (with core's own validateDefinition) and says what is wrong in words.
import type { RunConfig } from '../../core/config.ts';
import { asymmetricSpace, symmetricSpace } from '../../core/tuning/space.ts';
import { gridSize } from '../../core/tuning/sampler.ts';
import { ROLLING_EVERY_MONTHS, ROLLING_LOOKBACK_YEARS } from '../../core/tuning/select.ts';
import { buildStudyDefinition, defaultSampler, MAX_TRIALS, type StudyPlan, type StudyRequest } from '../../core/tuning/plan.ts';
import type { Dimension, ParamName, SamplerConfig, SearchSpace, StudyDefinition } from '../../core/tuning/types.ts';
import type { TuningStrategy } from '../../core/tuning/evaluate.ts';
import { formatInteger, parseDateInput } from '../format.ts';

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
  /** null = the default of the selection mode (core defaultSampler: TPE static, grid rolling). */
  sampler: 'grid' | 'random' | 'tpe' | null;
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
    sampler: null,
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

/** The sampler the form stands for: the chosen one, or the selection mode's default. */
export function effectiveSampler(form: StudyForm): 'grid' | 'random' | 'tpe' {
  return form.sampler ?? defaultSampler(form.selection);
}

export function samplerFromForm(form: StudyForm): SamplerConfig | string {
  const kind = effectiveSampler(form);
  if (kind === 'grid') return { kind: 'grid' };
  if (kind === 'random') return { kind: 'random' };
  const batchSize = whole(form.batchSize, 1, 1000);
  const nStartup = whole(form.startup, 1, MAX_TRIALS);
  if (batchSize === null) return 'TPE batch size must be a whole number from 1 to 1,000.';
  if (nStartup === null) return `TPE random start-up trials must be a whole number from 1 to ${formatInteger(MAX_TRIALS)}.`;
  return { kind: 'tpe', batchSize, nStartup };
}

const TRIALS_MESSAGE = `Trials per factor must be a whole number from 1 to ${formatInteger(MAX_TRIALS)}.`;

/** Trials per factor the form asks for, and the study's total (a grid's size is its own). */
export function trialCount(form: StudyForm, D: number): { perFactor: number; total: number } | string {
  const n = whole(form.trials, 1, MAX_TRIALS);
  if (n === null) return TRIALS_MESSAGE;
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

export interface AppStudyContext {
  tool: 'app';
  strategy: TuningStrategy;
  /** The configuration every candidate ran with (fitted to the data set, with its reference). */
  config: RunConfig;
}

/**
 * The study definition of the form, or the problems in words: the form's text fields are read here,
 * everything else (defaults, limits, windows, id) is core's buildStudyDefinition, exactly as for
 * `cli tune`. `config` is the run configuration (fitted to the selected data set), `plan` the
 * worker's plan of the study on the data, `now` the creation time (ms).
 */
export function buildDefinition(form: StudyForm, config: RunConfig, plan: StudyPlan, now: number): { definition: StudyDefinition; notes: string[] } | { errors: string[] } {
  const errors: string[] = [];
  const nTrials = whole(form.trials, 1, MAX_TRIALS);
  if (nTrials === null) errors.push(TRIALS_MESSAGE);
  const seed = whole(form.seed, 0, 4294967295);
  if (seed === null) errors.push('The seed must be a whole number from 0 to 4,294,967,295.');
  const kind = effectiveSampler(form);
  const request: StudyRequest = {
    name: form.name, factors: form.factors, kind: form.kind, sampler: kind, nTrials: nTrials ?? undefined, seed: seed ?? undefined,
    selection: form.selection, context: { tool: 'app', strategy: form.kind, config } satisfies AppStudyContext as unknown as Record<string, unknown>,
  };
  const edits: NonNullable<StudyRequest['edits']> = {};
  for (const name of dimensionNames(form.kind)) {
    const d = form.dims[name];
    const high = d.high.trim() === '' && name === 'maxFeatures' ? plan.featureCount : num(d.high);
    edits[name] = { low: num(d.low), high, log: d.log, ...(d.fixed ? { fixed: num(d.value) } : {}) };
  }
  request.edits = edits;
  if (kind === 'tpe') {
    const sampler = samplerFromForm(form);
    if (typeof sampler === 'string') errors.push(sampler);
    else if (sampler.kind === 'tpe') { request.batchSize = sampler.batchSize; request.nStartup = sampler.nStartup; }
  }
  if (form.selection === 'static') {
    const typed = parseDateInput(form.split);
    if ('error' in typed) errors.push(`The holdout start: ${typed.error}.`);
    else if (typed.iso) request.split = typed.iso;
  } else {
    const everyMonths = whole(form.everyMonths, 1, 120);
    if (everyMonths === null) errors.push('Months between re-tunes must be a whole number from 1 to 120.');
    else request.everyMonths = everyMonths;
    request.lookbackYears = num(form.lookbackYears);
  }
  if (errors.length) return { errors };
  return buildStudyDefinition(request, config, plan, config.dataset?.hash ?? '', now);
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
