// `cli tune`: the hyperparameter search per factor (method.md §7) on worker threads. Every candidate
// is one factor's full walk-forward path (method.md §6), a regime task of the core engine
// (src/core/pipeline/engine.ts) on the command line's engine pool; with --cache DIR its refits and
// chains are kept, so the backtest of the chosen parameters fits nothing again. The study is set up
// by core (src/core/tuning/plan.ts: plan, definition, evaluator), exactly as the Tune screen sets it
// up; the study runner (src/core/tuning/study.ts) proposes candidates in fixed batches, so the
// trials and the choice do not depend on --workers. The study file is written as trials finish;
// Ctrl-C cancels at once and leaves a resumable study.
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { CliError, expandMultiValues, parseCli } from '../args.ts';
import { loadPanel, type LoadedData } from '../load-data.ts';
import { NodeEngineExecutor } from '../engine-pool.ts';
import { openCacheDir } from '../dir-cache.ts';
import { loadRunConfig } from '../run-pipeline.ts';
import { featureCount, validateConfig, type RunConfig } from '../../core/config.ts';
import { BacktestDataError } from '../../core/backtest/prepare.ts';
import { panelHash } from '../../core/hash.ts';
import { sameTicker } from '../../core/data/panel.ts';
import { fitConfigToDataset } from '../../core/universe.ts';
import { searchedDimensions, defaultGridPoints } from '../../core/tuning/space.ts';
import { selectStudy, ROLLING_EVERY_MONTHS, type RollingSelection, type Selection, type StaticSelection } from '../../core/tuning/select.ts';
import { runStudy, resumeStudy, totalTrials, trialsFor, validateDefinition, StudyError, type StudyProgress } from '../../core/tuning/study.ts';
import { studyFromJSON, studyToJSON } from '../../core/tuning/serialize.ts';
import { CandidateError, type TuningStrategy } from '../../core/tuning/evaluate.ts';
import { applySelection, ApplyError } from '../../core/tuning/apply.ts';
import { Engine } from '../../core/pipeline/engine.ts';
import {
  buildStudyDefinition, defaultSampler, executorEvaluator, planStudy, StudyPlanError, FAR_END, MAX_TRIALS, DEFAULT_TRIALS,
  DEFAULT_TPE_BATCH, DEFAULT_TPE_STARTUP, type StudyPlan, type StudyRequest,
} from '../../core/tuning/plan.ts';
import type { CandidateParams, Dimension, ParamName, StudyDefinition, StudyState } from '../../core/tuning/types.ts';
import { studyOverfitting, overfittingLines } from '../../core/tuning/overfitting.ts';

export const help = `Usage: npm run -s cli -- tune --data FILE_OR_DIR... [--config run.json] [--set key=value ...]
         [--factor QUAL|all] [--sampler grid|random|tpe] [--trials 50] [--workers N]
         [--select static|rolling] [--space symmetric|asymmetric] [--seed S]
         --out study.json [--config-out run.json]
       npm run -s cli -- tune --resume study.json [--workers N] [--trials N] [--out study.json] [--config-out run.json]

Searches, per factor, the regime model's jump penalty λ and effective number of features κ²
(or λ_enter, λ_exit and κ² with --space asymmetric; method.md §7). Every candidate is the factor's
full walk-forward path with monthly refits (method.md §6), scored by the annualised Sharpe of its
single-factor long-short returns. Candidates run in parallel in worker threads; the trials and the
choice are the same for any --workers. Prints progress to stderr (at most once a second) and a table
per factor at the end; writes the study (resumable) and, with --config-out, the configuration with
the chosen parameters, ready for \`cli backtest --config\`.

  --data FILE_OR_DIR...   price files or folders of them, or "demo" (the bundled simulated data)
  --config run.json       the run configuration the candidates use (windows, model, seed, …)
  --set key=value ...     override settings, e.g. --set trainMinYears=3 --set model.nInit=5
  --factor QUAL|all       a factor of the configuration, a comma list, or all of them (default all)
  --sampler S             grid | random | tpe (default tpe for static selection, grid for rolling)
  --trials N              candidates per factor (default 50; a grid uses ⌊N^(1/d)⌋ points per dimension)
  --workers N             worker threads (default: one per core, ${availableParallelism()} here)
  --cache DIR             keep every candidate's fitted models and path in DIR: a later
                          \`cli backtest --cache DIR --config tuned.json\` then refits nothing for the
                          tuned factors (and a resumed or repeated study reuses them too)
  --select M              static (default): best Sharpe on a validation window, holdout reported;
                          rolling: the paper's — every 6 months the best Sharpe over the preceding
                          6 years of each candidate's own out-of-sample path
  --space K               symmetric (λ, κ²; default) or asymmetric (λ_enter, λ_exit, κ²)
  --seed S                seed of the sampler (default 0); the model's seed is model.seed
  --out study.json        where the study is written (as trials finish, and at the end)
  --config-out run.json   write the configuration with the chosen parameters (static: the factor's
                          λ/κ²; rolling: its parameter path as "schedule")
  --resume study.json     continue a cancelled or interrupted study (same data, same definition);
                          on a finished study, prints its table again (and writes --config-out)
Search space and windows:
  --fix name=value ...    fix a dimension, e.g. --fix maxFeatures=9.5 (names: jumpPenalty,
                          jumpPenaltyEnter, jumpPenaltyExit, maxFeatures)
  --range name=lo:hi ...  change a range, e.g. --range jumpPenalty=5:500 (default λ 1:1000 log, κ² 1:D)
  --split YYYY-MM-DD      static: validation from the first out-of-sample day to this date
                          (exclusive), holdout from it to the end (default: a 70% / 30% split)
  --every N               rolling: months between re-tune dates (default 6)
  --lookback Y            rolling: years of trailing path each choice reads (default 6)
  --batch N               TPE batch size (default 8): batch b is proposed from batches < b only
  --startup N             TPE: trials proposed at random before the model takes over (default 10)

Ctrl-C cancels at once; the study written to --out keeps the finished trials and resumes with
--resume. Exit codes: 0 done, 2 bad input or unusable data, 130 cancelled, 1 other errors.

Example:
  npm run -s cli -- tune --data ../shared/data/market --factor all --sampler tpe --trials 50 \\
    --out study.json --config-out tuned.json
  npm run -s cli -- backtest --data ../shared/data/market --config tuned.json --out result.json`;

const PARAM_NAMES: readonly ParamName[] = ['jumpPenalty', 'jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures'];
const SAVE_EVERY_MS = 10_000;

interface StudyContext {
  tool: 'cli tune';
  strategy: TuningStrategy;
  data: { paths: string[]; name: string; hash: string; simulated: boolean };
  config: RunConfig;
}

function fail(msg: string): never {
  throw new CliError(msg);
}

function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(v) || v < min || v > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return v;
}

/** Parses --fix / --range into space edits, per parameter name. */
function spaceEdits(fix: string[] | undefined, range: string[] | undefined): Partial<Record<ParamName, Partial<Omit<Dimension, 'name'>>>> {
  const edits: Partial<Record<ParamName, Partial<Omit<Dimension, 'name'>>>> = {};
  const name = (s: string, opt: string): ParamName => {
    if (!(PARAM_NAMES as readonly string[]).includes(s)) fail(`--${opt} ${s}: unknown parameter — use ${PARAM_NAMES.join(', ')}`);
    return s as ParamName;
  };
  for (const f of fix ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(f.trim());
    if (!m) fail(`--fix expects name=value (e.g. maxFeatures=9.5), got "${f}"`);
    const v = Number(m![2]);
    if (!Number.isFinite(v)) fail(`--fix ${m![1]}: "${m![2]}" is not a number`);
    const n = name(m![1]!, 'fix');
    edits[n] = { ...edits[n], fixed: v };
  }
  for (const r of range ?? []) {
    const m = /^([A-Za-z]+)=([^:]+):(.+)$/.exec(r.trim());
    if (!m) fail(`--range expects name=low:high (e.g. jumpPenalty=5:500), got "${r}"`);
    const lo = Number(m![2]), hi = Number(m![3]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) fail(`--range ${m![1]}: "${m![2]}:${m![3]}" are not two numbers`);
    const n = name(m![1]!, 'range');
    edits[n] = { ...edits[n], low: lo, high: hi };
  }
  return edits;
}


// ---- formatting ----------------------------------------------------------------------------------

/** Three significant digits, without trailing zeros (a log grid's 99.99999999999997 shows as 100). */
const sig = (v: number) => String(Number(v.toPrecision(3)));
export function formatParams(p: CandidateParams | null | undefined): string {
  if (!p) return '—';
  const parts: string[] = [];
  if (p.jumpPenalty !== undefined) parts.push(`λ=${sig(p.jumpPenalty)}`);
  if (p.jumpPenaltyEnter !== undefined) parts.push(`λ_enter=${sig(p.jumpPenaltyEnter)}`);
  if (p.jumpPenaltyExit !== undefined) parts.push(`λ_exit=${sig(p.jumpPenaltyExit)}`);
  if (p.maxFeatures !== undefined) parts.push(`κ²=${p.maxFeatures.toFixed(2)}`);
  return parts.join(' ');
}
const fmtSharpe = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(2));
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd()).join('\n');
}

function progressLine(p: StudyProgress, factors: string[]): string {
  const best = factors.map((f) => {
    const b = p.best[f];
    if (!b) return factors.length > 1 ? `${f} —` : '—';
    return factors.length > 1 ? `${f} ${b.score.toFixed(2)}` : `${b.score.toFixed(2)} (${formatParams(b.params)}, trial ${b.trialId})`;
  }).join(', ');
  const failed = p.failed ? ` (${p.failed} failed)` : '';
  return `tune: ${p.done}/${p.total} trials${failed} · best ${best} · ${formatDuration(p.elapsedMs)} elapsed · ~${formatDuration(p.etaMs)} left`;
}

function windowText(dates: readonly string[], w: { start: string; end: string }): string {
  const end = w.end >= FAR_END ? `${dates[dates.length - 1]} (data end)` : `${w.end} (exclusive)`;
  return `${w.start} … ${end}`;
}

function resultTable(state: StudyState, selections: Record<string, Selection>): string {
  const def = state.definition;
  const counts = (f: string) => {
    const ts = state.trials.filter((t) => t.factor === f && t.status !== 'cancelled');
    return { done: ts.filter((t) => t.status === 'done').length, failed: ts.filter((t) => t.status === 'failed').length, total: trialsFor(def, f) };
  };
  const lines: string[] = [];
  if (def.selection.mode === 'static') {
    const rows = [['factor', 'chosen parameters', 'trial', 'validation Sharpe', 'days', 'holdout Sharpe', 'days', 'trials', 'failed']];
    for (const f of def.factors) {
      const s = selections[f] as StaticSelection;
      const c = counts(f);
      const ch = s.chosen;
      rows.push([f, ch ? formatParams(ch.params) : '— (no candidate)', ch ? `#${ch.trialId}` : '—', fmtSharpe(ch?.validationSharpe), ch ? String(ch.validationDays) : '—',
        fmtSharpe(ch?.holdoutSharpe), ch ? String(ch.holdoutDays) : '—', `${c.done + c.failed}/${c.total}`, String(c.failed)]);
    }
    const dates = state.dates ?? [];
    const sel = def.selection;
    lines.push(`Static selection — validation ${windowText(dates, sel.validation)}${sel.holdout ? `, holdout ${windowText(dates, sel.holdout)} (reported, never used to choose)` : ''}`);
    lines.push('');
    lines.push(table(rows));
  } else {
    const rows = [['factor', 'parameter path', 'out-of-sample Sharpe', 'days', 'from', 'trials', 'failed']];
    const paths: string[] = [];
    for (const f of def.factors) {
      const s = selections[f] as RollingSelection;
      const c = counts(f);
      const n = s.parameterPath.length;
      const last = s.parameterPath[n - 1];
      rows.push([f, n ? `${n} segment${n === 1 ? '' : 's'}, latest ${formatParams(last!.params)}` : '— (no choice)', fmtSharpe(s.sharpe), String(s.nDays), s.firstDate ?? '—',
        `${c.done + c.failed}/${c.total}`, String(c.failed)]);
      for (const seg of s.parameterPath) paths.push(`  ${f}  from ${seg.from}: ${formatParams(seg.params)} (trial #${seg.trialId})`);
    }
    const sel = def.selection;
    lines.push(`Rolling selection — every ${sel.everyMonths ?? 6} months, best Sharpe over the preceding ${sel.lookbackYears ?? 6} years of each candidate's own out-of-sample path (fully out of sample)`);
    lines.push('');
    lines.push(table(rows));
    if (paths.length) { lines.push(''); lines.push('Parameter paths:'); lines.push(...paths); }
  }
  return lines.join('\n');
}

/** A compact, JSON-safe record of the selections for the study file (the stitched series included). */
function selectionRecord(selections: Record<string, Selection>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [f, s] of Object.entries(selections)) {
    if (s.mode === 'static') out[f] = { mode: s.mode, validation: s.validation, holdout: s.holdout, minDays: s.minDays, chosen: s.chosen, ranking: s.ranking.slice(0, 10) };
    else out[f] = { mode: s.mode, everyMonths: s.everyMonths, lookbackYears: s.lookbackYears, minDays: s.minDays, parameterPath: s.parameterPath, retunes: s.retunes, firstDate: s.firstDate, nDays: s.nDays, sharpe: s.sharpe, longShort: s.longShort };
  }
  return out;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

// ---- the command ---------------------------------------------------------------------------------

const OPTIONS = {
  data: { type: 'string', multiple: true }, config: { type: 'string' }, set: { type: 'string', multiple: true },
  factor: { type: 'string' }, sampler: { type: 'string' }, trials: { type: 'string' }, workers: { type: 'string' },
  select: { type: 'string' }, space: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  'config-out': { type: 'string' }, resume: { type: 'string' },
  fix: { type: 'string', multiple: true }, range: { type: 'string', multiple: true },
  split: { type: 'string' }, every: { type: 'string' }, lookback: { type: 'string' }, batch: { type: 'string' },
  startup: { type: 'string' }, cache: { type: 'string' },
} as const;

/** Options that define a study: they cannot change when resuming. */
const DEFINING = ['config', 'set', 'factor', 'sampler', 'select', 'space', 'seed', 'fix', 'range', 'split', 'every', 'lookback', 'batch', 'startup'] as const;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'set', 'fix', 'range']), OPTIONS);
  const workers = values.workers === undefined ? undefined : intOption('workers', values.workers, 1, 1, 256);
  for (const [opt, p] of [['out', values.out], ['config-out', values['config-out']]] as const) {
    if (p !== undefined && !existsSync(dirname(resolve(p)))) fail(`--${opt} ${p}: the folder ${dirname(resolve(p))} does not exist — create it or write elsewhere`);
  }
  let cacheDir: string | null = null;
  if (values.cache !== undefined) {
    try { cacheDir = openCacheDir(values.cache); } catch (e) { fail((e as Error).message); }
  }

  let definition: StudyDefinition;
  let previous: StudyState | undefined;
  let data: LoadedData;
  let dataKey: string;
  let config: RunConfig;
  let out: string;
  let plan: StudyPlan;
  const engine = new Engine();
  const planOf = (factors: string[]) => {
    try {
      return planStudy(engine, dataKey, config, factors);
    } catch (e) {
      if (e instanceof BacktestDataError || e instanceof StudyPlanError || e instanceof CandidateError) fail(e.message);
      throw e;
    }
  };

  if (values.resume) {
    const given = DEFINING.filter((k) => values[k] !== undefined);
    if (given.length) fail(`--${given[0]} cannot be changed when resuming a study (it is part of the study's definition) — drop it, or start a new study with --out`);
    if (!existsSync(values.resume)) fail(`${values.resume}: no such study file`);
    let state: StudyState;
    try { state = studyFromJSON(readFileSync(values.resume, 'utf8'), values.resume); } catch (e) { return fail((e as Error).message); }
    const ctx = state.definition.context as Partial<StudyContext> | undefined;
    if (!ctx || ctx.tool !== 'cli tune' || !ctx.config || !ctx.data) fail(`${values.resume}: this study was not written by \`cli tune\` (no data or configuration recorded) — resume it where it was made`);
    const r = validateConfig(ctx!.config);
    if (!r.ok) return fail(`${values.resume}: its configuration does not validate: ${r.errors.map((e) => e.message).join('; ')}`);
    config = r.config;
    data = await loadPanel(values.data ?? ctx!.data!.paths);
    dataKey = await panelHash(data.panel);
    if (dataKey !== ctx!.data!.hash) {
      fail(`${values.resume}: the data (${data.name}, hash ${dataKey.slice(0, 12)}…) are not the study's (${ctx!.data!.name}, hash ${ctx!.data!.hash.slice(0, 12)}…) — pass the original files with --data`);
    }
    engine.setData(dataKey, data.panel);
    definition = state.definition;
    const problems = validateDefinition(definition, featureCount(config));
    if (problems.length) fail(`${values.resume}: ${problems.join('; ')}`);
    if (values.trials !== undefined) {
      const n = intOption('trials', values.trials, definition.nTrials, 1, MAX_TRIALS);
      if (n < definition.nTrials) fail(`--trials ${n} is below the study's ${definition.nTrials} — a study can be extended, not shortened`);
      definition = { ...definition, nTrials: n };
    }
    previous = { ...state, definition };
    out = values.out ?? values.resume;
    plan = planOf(definition.factors);
    const d = state.dates;
    if (d && (d.length !== plan.dates.length || d[0] !== plan.dates[0] || d[d.length - 1] !== plan.dates[plan.dates.length - 1])) {
      fail(`${values.resume}: its calendar (${d.length} days) differs from the data's (${plan.dates.length} days) — pass the original files with --data, or start a new study`);
    }
  } else {
    if (!values.out) fail('--out study.json is required (the study is written there as trials finish)');
    out = values.out!;
    const select = values.select ?? 'static';
    if (select !== 'static' && select !== 'rolling') fail(`--select must be static or rolling, got "${select}"`);
    const kind = (values.space ?? 'symmetric') as TuningStrategy;
    if (kind !== 'symmetric' && kind !== 'asymmetric') fail(`--space must be symmetric or asymmetric, got "${values.space}"`);
    const samplerKind = values.sampler ?? defaultSampler(select);
    if (samplerKind !== 'grid' && samplerKind !== 'random' && samplerKind !== 'tpe') fail(`--sampler must be grid, random or tpe, got "${samplerKind}"`);
    const nTrials = intOption('trials', values.trials, DEFAULT_TRIALS, 1, MAX_TRIALS);
    const seed = intOption('seed', values.seed, 0, 0, 4294967295);
    if (select === 'static' && (values.every !== undefined || values.lookback !== undefined)) fail('--every and --lookback apply to --select rolling');
    if (select === 'rolling' && values.split !== undefined) fail('--split applies to --select static (rolling selection has no fixed windows)');
    if (samplerKind !== 'tpe' && (values.batch !== undefined || values.startup !== undefined)) fail('--batch and --startup apply to --sampler tpe');
    let lookbackYears: number | undefined;
    if (values.lookback !== undefined) {
      lookbackYears = Number(values.lookback);
      if (!(lookbackYears >= 1 / 12 && lookbackYears <= 50)) fail(`--lookback must be a number of years from 1/12 to 50, got "${values.lookback}"`);
    }
    if (values.split !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.split)) fail(`--split must be a date YYYY-MM-DD, got "${values.split}"`);
    const edits = spaceEdits(values.fix, values.range);
    const wrong = (Object.keys(edits) as ParamName[]).filter((n) => (kind === 'symmetric' ? n === 'jumpPenaltyEnter' || n === 'jumpPenaltyExit' : n === 'jumpPenalty'));
    if (wrong.length) fail(`${wrong.join(', ')} is not a parameter of the ${kind} space — the ${kind} model has ${kind === 'symmetric' ? 'jumpPenalty, maxFeatures' : 'jumpPenaltyEnter, jumpPenaltyExit, maxFeatures'}`);
    config = loadRunConfig(values.config, values.set);
    data = await loadPanel(values.data ?? []);
    dataKey = await panelHash(data.panel);
    // The configuration fitted to the data exactly as the app fits it (src/core/universe.ts), e.g.
    // Ken French's factors for the default SPY/QUAL/… configuration; every change is said.
    const fitted = fitConfigToDataset(config, { id: dataKey, name: data.name, panel: data.panel });
    for (const c of fitted.changes) console.error(`tune: ${c}`);
    config = fitted.config;
    const factorArg = (values.factor ?? 'all').trim();
    const tickers = config.factors.map((f) => f.ticker);
    // Tickers in any case; each is then spelled as the configuration spells it.
    const factors = factorArg.toLowerCase() === 'all' ? tickers : factorArg.split(',').map((s) => s.trim()).filter(Boolean)
      .map((f) => tickers.find((t) => sameTicker(t, f)) ?? fail(`--factor ${f} is not a factor of the configuration (${tickers.join(', ')}) — pick one of those, or add it with --set factors=…`));
    if (!factors.length) fail('--factor is empty — give a factor ticker, a comma list, or all');
    if (new Set(factors).size !== factors.length) fail('--factor lists a factor twice');
    engine.setData(dataKey, data.panel);
    plan = planOf(factors);
    const context: StudyContext = {
      tool: 'cli tune', strategy: kind,
      data: { paths: data.simulated ? ['demo'] : (values.data ?? []).map((p) => resolve(p)), name: data.name, hash: dataKey, simulated: data.simulated },
      config,
    };
    const request: StudyRequest = {
      factors, kind, edits, sampler: samplerKind, nTrials, seed, selection: select, context: context as unknown as Record<string, unknown>,
      name: `${factors.join(',')} ${kind} ${samplerKind} ×${nTrials} (${select})`,
    };
    if (samplerKind === 'tpe') {
      request.batchSize = intOption('batch', values.batch, DEFAULT_TPE_BATCH, 1, 1000);
      request.nStartup = intOption('startup', values.startup, DEFAULT_TPE_STARTUP, 1, MAX_TRIALS);
    }
    if (select === 'static') request.split = values.split;
    else { request.everyMonths = intOption('every', values.every, ROLLING_EVERY_MONTHS, 1, 120); if (lookbackYears !== undefined) request.lookbackYears = lookbackYears; }
    const built = buildStudyDefinition(request, config, plan, dataKey, Date.now());
    if ('errors' in built) return fail(built.errors.join('; '));
    definition = built.definition;

    // What the windows are (README "Windows: which days choose and which days report").
    const dates = plan.dates;
    const first = definition.factors[0]!;
    console.error(`tune: ${data.simulated ? 'simulated demo data' : data.name}, ${dates[0]} … ${dates[dates.length - 1]}; first refit ${plan.firstRefit[first]} ` +
      `(trainMinYears ${config.trainMinYears}, ${config.refitFrequency} refits); candidate paths out of sample from ${plan.commonStart} (${(plan.outOfSampleDays / 252).toFixed(1)} years)`);
    const sel = definition.selection;
    if (sel.mode === 'static') console.error(`tune: static selection — validation ${windowText(dates, sel.validation)}, holdout ${windowText(dates, sel.holdout!)}`);
    else console.error(`tune: rolling selection — re-tune every ${sel.everyMonths} months on the preceding ${sel.lookbackYears} years of path (at least one year needed)`);
    for (const n of built.notes) console.error(`tune: note — ${n}`);
    if (definition.sampler.kind === 'grid') {
      const space = definition.spaces[first]!;
      const d = searchedDimensions(space).length;
      const n = defaultGridPoints(space, nTrials);
      console.error(`tune: grid of ${n}${d > 1 ? ` ^ ${d}` : ''} = ${n ** d} candidates per factor`);
    }
  }

  const strategy = ((definition.context as Partial<StudyContext> | undefined)?.strategy ?? definition.spaces[definition.factors[0]!]!.kind) as TuningStrategy;
  if (previous && previous.status === 'done' && previous.trials.filter((t) => t.status !== 'cancelled').length >= totalTrials(definition)) {
    return finish(previous, config, values['config-out'], out, false);
  }
  const executor = new NodeEngineExecutor({ panel: data.panel, dataKey, workers, cacheDir });
  if (executor.workers > availableParallelism()) console.error(`tune: note — ${executor.workers} workers on ${availableParallelism()} cores: they share the cores (the result is the same)`);
  const evaluate = executorEvaluator(executor, { dataKey, config, strategy, dates: plan.dates });

  // Saving: at the first trial, then at most every SAVE_EVERY_MS, and at every status change.
  let lastTrialSave = -Infinity;
  let pending: StudyState | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = (state: StudyState) => { pending = null; writeAtomic(out, studyToJSON(state)); };
  const onTrial = (_t: unknown, state: StudyState) => {
    if (performance.now() - lastTrialSave >= SAVE_EVERY_MS) { lastTrialSave = performance.now(); save(state); }
    else if (!timer) {
      pending = state;
      timer = setTimeout(() => { timer = null; if (pending) { lastTrialSave = performance.now(); save(pending); } }, SAVE_EVERY_MS);
    }
  };
  const onStatus = (state: StudyState) => save(state);

  const controller = new AbortController();
  let interrupts = 0;
  let running = true;
  const onSignal = (sig: NodeJS.Signals) => {
    // After the study has ended the handler stays until the files are written: a late Ctrl-C must not cut them off.
    if (!running) { console.error(`tune: ${sig} — the study has ended; finishing writing ${out}`); return; }
    interrupts++;
    if (interrupts > 1) { console.error('tune: second interrupt — exiting without saving'); process.exit(130); }
    console.error(`\ntune: ${sig} — cancelling (workers stop now); the study is saved to ${out}`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const total = totalTrials(definition);
  console.error(`tune: ${definition.factors.join(', ')} · ${strategy} space · ${definition.sampler.kind} sampler · ${total} trials · ${executor.workers} worker${executor.workers === 1 ? '' : 's'}${previous ? ` · resuming ${previous.trials.filter((t) => t.status !== 'cancelled').length} finished` : ''}`);
  const t0 = performance.now();
  let state: StudyState;
  try {
    const opts = {
      evaluate, concurrency: executor.workers, signal: controller.signal, onTrial, onStatus,
      onProgress: (p: StudyProgress) => console.error(progressLine(p, definition.factors)),
      progressIntervalMs: 1000,
    };
    state = previous ? await resumeStudy(previous, opts) : await runStudy(definition, opts);
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // An invalid definition (e.g. a hand-edited study file) is bad input: one line, exit 2.
    if (e instanceof StudyError) fail(e.message.split('\n').join('; '));
    throw e;
  } finally {
    running = false;
    if (timer) clearTimeout(timer);
    await executor.close();
  }
  const wall = performance.now() - t0;
  const ran = state.trials.filter((t) => t.status === 'done' || t.status === 'failed').length - (previous?.trials.filter((t) => t.status !== 'cancelled').length ?? 0);
  console.error(`tune: ${state.status} after ${formatDuration(wall)} — ${ran} candidates this run (${(ran / (wall / 1000)).toFixed(2)} per second on ${executor.workers} worker${executor.workers === 1 ? '' : 's'})`);
  try {
    return finish(state, config, values['config-out'], out, true);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function finish(state: StudyState, config: RunConfig, configOut: string | undefined, out: string, ran: boolean): number {
  let selections: Record<string, Selection> = {};
  try {
    selections = selectStudy(state);
  } catch (e) {
    console.error(`tune: selection failed: ${(e as Error).message}`);
  }
  const overfitting = studyOverfitting(state, selections);
  writeAtomic(out, studyToJSON(state, { selection: selectionRecord(selections), overfitting }));
  if (Object.keys(selections).length) {
    if (state.status !== 'done') console.log(`(partial: the study is ${state.status}; the table reads the trials finished so far)\n`);
    console.log(resultTable(state, selections));
    console.log(`\n${overfittingLines(overfitting).join('\n')}`);
  }
  console.log(`\nStudy written to ${out}${state.status === 'done' ? '' : ` (${state.status}; resume with: npm run -s cli -- tune --resume ${out})`}`);
  if (state.status === 'error') {
    console.error(`tune: ${state.error ?? 'the study stopped with an error'}`);
    // A resume whose saved trials disagree with the sampler's proposals is a bad input (the file), not a crash.
    return /start a new study/.test(state.error ?? '') ? 2 : 1;
  }
  if (configOut) {
    if (state.status !== 'done') {
      console.log(`Configuration not written to ${configOut}: the study is not finished (resume it first)`);
    } else {
      const kind = ((state.definition.context as Partial<StudyContext> | undefined)?.strategy ?? state.definition.spaces[state.definition.factors[0]!]!.kind) as TuningStrategy;
      try {
        const applied = applySelection(config, selections, kind);
        writeFileSync(configOut, `${JSON.stringify(applied.config, null, 2)}\n`);
        for (const n of applied.notes) console.log(`note: ${n}`);
        console.log(`Configuration with the chosen parameters written to ${configOut} (run it with: npm run -s cli -- backtest --data … --config ${configOut} --out result.json)`);
      } catch (e) {
        if (e instanceof ApplyError) { console.error(`tune: ${e.message}`); return 1; }
        throw e;
      }
    }
  }
  if (!ran && state.status === 'done') return 0;
  return state.status === 'done' ? 0 : state.status === 'cancelled' ? 130 : 1;
}
