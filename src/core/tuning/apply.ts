// From a tuning selection to a run configuration (method.md §7: "the chosen parameters, or the
// parameter path, flow straight into a backtest configuration").
//
// - static: the chosen candidate's values become the factor's own settings (`jumpPenalty` and
//   `maxFeatures`, or `jumpPenaltyEnter` / `jumpPenaltyExit` / `maxFeatures`), constant over the run;
// - rolling: the parameter path becomes the factor's `schedule` — one ParameterChange per segment,
//   `from` = the re-tune date. The backtest's refits look the values up by refit date
//   (config.ts `resolveFactorModel`), so a refit on or after a re-tune date uses the new values.
//   Before the first choice the factor's fixed values apply, as before tuning.
//
// κ² (`maxFeatures`) is one setting per factor shared by both strategies of a run: applying a
// symmetric study's κ² also changes what the asymmetric strategy uses, and vice versa. The notes say
// so when both strategies are enabled.
import { validateConfig, type FactorSettings, type ParameterChange, type RunConfig } from '../config.ts';
import { sameTicker } from '../data/panel.ts';
import { selectStudy, type Selection } from './select.ts';
import type { CandidateParams, StudyState } from './types.ts';
import type { TuningStrategy } from './evaluate.ts';

export class ApplyError extends Error {}

export interface AppliedSelection {
  /** The configuration with the chosen parameters; it passes validateConfig. */
  config: RunConfig;
  /** Factors whose settings changed. */
  applied: string[];
  /** What a person should know: factors left unchanged and why, settings replaced, shared κ². */
  notes: string[];
}

const KEYS: Record<TuningStrategy, (keyof CandidateParams)[]> = {
  symmetric: ['jumpPenalty', 'maxFeatures'],
  asymmetric: ['jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures'],
};

function pick(params: CandidateParams, strategy: TuningStrategy): CandidateParams {
  const out: CandidateParams = {};
  for (const k of KEYS[strategy]) if (params[k] !== undefined) out[k] = params[k];
  return out;
}

/**
 * Writes the selections (per factor ticker) into a copy of `config`. `strategy` says which model the
 * parameters belong to; that strategy is switched on in the result if it was off. Throws ApplyError
 * when the result would not validate (e.g. κ² above the configuration's number of features).
 */
export function applySelection(config: RunConfig, selections: Record<string, Selection>, strategy: TuningStrategy): AppliedSelection {
  const cfg = JSON.parse(JSON.stringify(config)) as RunConfig;
  const applied: string[] = [];
  const notes: string[] = [];
  for (const [ticker, sel] of Object.entries(selections)) {
    const f = cfg.factors.find((x) => sameTicker(x.ticker, ticker));
    if (!f) throw new ApplyError(`apply: ${ticker} is not a factor of the configuration (${cfg.factors.map((x) => x.ticker).join(', ')}) — tune and apply with the same configuration`);
    if (sel.mode === 'static') {
      if (!sel.chosen) { notes.push(`${f.ticker}: no candidate had ${sel.minDays} validation days — its settings are unchanged`); continue; }
      const p = pick(sel.chosen.params, strategy);
      if (f.schedule) { notes.push(`${f.ticker}: its earlier parameter path (schedule) was removed — the static choice applies to the whole run`); delete f.schedule; }
      if (strategy === 'asymmetric' && f.penaltyMatrix) { notes.push(`${f.ticker}: its penalty matrix was removed — the chosen enter/exit penalties replace it`); delete f.penaltyMatrix; }
      Object.assign(f as FactorSettings, p);
      applied.push(f.ticker);
    } else {
      if (!sel.parameterPath.length) { notes.push(`${f.ticker}: no re-tune date had a candidate with ${sel.minDays} trailing days — its settings are unchanged`); continue; }
      if (f.schedule) notes.push(`${f.ticker}: its earlier parameter path (schedule) was replaced`);
      const schedule: ParameterChange[] = sel.parameterPath.map((s) => ({ from: s.from, ...pick(s.params, strategy) }));
      f.schedule = schedule;
      notes.push(`${f.ticker}: ${schedule.length} parameter change${schedule.length === 1 ? '' : 's'} from ${schedule[0]!.from}; refits before that use the factor's fixed settings`);
      applied.push(f.ticker);
    }
  }
  if (!cfg.strategies[strategy]) {
    cfg.strategies[strategy] = true;
    notes.push(`the ${strategy} strategy was off; it is switched on so that the tuned parameters are used`);
  }
  const other: TuningStrategy = strategy === 'symmetric' ? 'asymmetric' : 'symmetric';
  if (applied.length && cfg.strategies[other]) {
    notes.push(`κ² (maxFeatures) is shared by both strategies of a run: the ${other} strategy now uses the tuned κ² too`);
  }
  const r = validateConfig(cfg);
  if (!r.ok) throw new ApplyError(`apply: the tuned configuration does not validate: ${r.errors.map((e) => `${e.field || 'config'}: ${e.message}`).join('; ')}`);
  return { config: r.config, applied, notes };
}

/** Selects (in the study's mode) and applies a whole study; the space kind gives the strategy. */
export function applyStudy(config: RunConfig, state: StudyState): AppliedSelection & { selections: Record<string, Selection> } {
  const kinds = new Set(state.definition.factors.map((f) => state.definition.spaces[f]!.kind));
  if (kinds.size !== 1) throw new ApplyError('apply: the study mixes symmetric and asymmetric spaces — apply its factors one strategy at a time with applySelection');
  const selections = selectStudy(state);
  return { ...applySelection(config, selections, [...kinds][0]!), selections };
}
