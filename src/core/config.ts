// THE run configuration (conventions.md "One configuration object describes a run completely"):
// one versioned, validated, plain-JSON object used by the UI form, the share link, the CLI
// (`--config run.json`, `--set key=value`) and storage. Defaults are the method's (method.md
// §2-§10); where the method leaves a value open the choice is documented beside the field and in
// README "Configuration, allocation and metrics".
//
// Safety: `validateConfig` also reads share links from hostile URLs. It never throws, reads only
// own properties of plain objects, rejects unknown keys (so `__proto__`, `constructor`,
// `prototype` are just "unknown setting" errors), bounds every size, and builds the result from
// fresh object literals with known keys only — nothing from the input is ever merged or assigned
// by a key it chose.

import { sameTicker } from './data/panel.ts';

export const CONFIG_VERSION = 1 as const;

/** The data set a run was made on; the share link carries it so another machine can find it. */
export interface DatasetRef {
  /** Storage id of the data set (opaque). */
  id: string;
  /** Name shown to people ("demo", "my-etfs.zip"). */
  name: string;
  /** Content hash of the aligned panel (opaque hex / "algo:hex" string). */
  hash: string;
  firstDate: string;
  lastDate: string;
}

/** A change of a factor's regime-model parameters from a date on (a tuning-chosen path). */
export interface ParameterChange {
  /** ISO date from which these values apply (the re-tune date); entries strictly ascending. */
  from: string;
  jumpPenalty?: number;
  maxFeatures?: number;
  jumpPenaltyEnter?: number;
  jumpPenaltyExit?: number;
}

/** One factor of the universe with its optional per-factor model settings (absent = `model.*`). */
export interface FactorSettings {
  ticker: string;
  /** λ of the symmetric strategy (Λ = λ(1 − I), method.md §3). */
  jumpPenalty?: number;
  /** κ² (method.md §4). */
  maxFeatures?: number;
  /** Asymmetric strategy: Λ[bull→bear] ("entering bear"). */
  jumpPenaltyEnter?: number;
  /** Asymmetric strategy: Λ[bear→bull] ("leaving bear"). */
  jumpPenaltyExit?: number;
  /** Asymmetric strategy, any K: the full K×K penalty matrix (zero diagonal); overrides enter/exit. */
  penaltyMatrix?: number[][];
  /** Tuning-chosen parameter path; each entry overrides the values above from its date on. */
  schedule?: ParameterChange[];
}

export type ModelKind = 'sjm' | 'jm';
export type RefitFrequency = 'monthly' | 'quarterly';
export type RebalanceFrequency = 'monthly' | 'quarterly' | 'annually' | 'never';
/** The days on which the regime strategies may trade (method.md §12 "Turnover controls"). */
export type TradingSchedule = 'daily' | 'weekly' | 'monthly';
export type StrategyKind = 'symmetric' | 'asymmetric';
/**
 * How the universe is built from the data set (method.md §12): 'prices' — the market and factor
 * series are assets; 'longShort' — the factor series are long-short factor returns (Ken French's
 * SMB, HML …) and each becomes the asset "market + factor" (src/core/backtest/prepare.ts).
 */
export type UniverseKind = 'prices' | 'longShort';

export interface ModelSettings {
  /** 'sjm' sparse jump model (method.md §4), 'jm' plain jump model on all features (§3). */
  model: ModelKind;
  /** Number of regimes K. */
  k: number;
  /** Default λ for every factor (symmetric strategy). */
  jumpPenalty: number;
  /** Default κ² for every factor (sjm only). */
  maxFeatures: number;
  /** k-means++ starts per fit (method.md §3). */
  nInit: number;
  /** Seed of the fit's PRNG; the backtest derives one stream per factor and refit from it. */
  seed: number;
}

export interface RunConfig {
  version: typeof CONFIG_VERSION;
  /** null until a data set is chosen. */
  dataset: DatasetRef | null;
  /** First date of data used (the panel is cut here before features are computed); null = data start. */
  startDate: string | null;
  /** Last date of data used; null = data end. */
  endDate: string | null;
  /** Market ticker (method.md §1). */
  market: string;
  /** Factor tickers, in order, with per-factor settings. */
  factors: FactorSettings[];
  /** Use the environment features 15-17 (method.md §2). */
  useEnvironment: boolean;
  /** Tickers of the environment series. */
  environment: { vix: string; yield2y: string; yield10y: string };
  /** How the market and factor series make the universe (method.md §12). */
  universe: UniverseKind;
  /**
   * Ticker of a daily risk-free return series (Ken French's RF), or null. When set, Sharpe and
   * Sortino subtract each day's rate instead of `riskFreeRate`, and in a long-short universe the
   * market's total return is this rate plus the market series (an excess return, like Mkt-RF).
   */
  riskFree: string | null;
  model: ModelSettings;
  /** Which strategies one run computes, side by side. At least one. */
  strategies: { symmetric: boolean; asymmetric: boolean };
  /** Default penalties of the asymmetric strategy (K = 2 meaning; see `penaltyMatrixFor`). */
  asymmetric: { jumpPenaltyEnter: number; jumpPenaltyExit: number };
  /** Minimum training window, calendar years of valid feature rows before a refit (method.md §6). */
  trainMinYears: number;
  /** Maximum training window (the window rolls once this is reached). */
  trainMaxYears: number;
  refitFrequency: RefitFrequency;
  /** Ex-ante tracking-error target against the EW benchmark, annualised decimal (method.md §8). */
  trackingErrorTarget: number;
  /** Black-Litterman τ. */
  tau: number;
  /** Risk aversion δ (prior π = δΣw_b and the mean-variance objective). */
  riskAversion: number;
  /** EWMA covariance halflife, trading days. */
  covarianceHalflife: number;
  /** Cost per unit of turnover, basis points (method.md §9). */
  costBps: number;
  benchmarkRebalance: RebalanceFrequency;
  /**
   * Days on which the strategies may trade (method.md §12): every day (the paper's), or the last
   * trading day of each week / month; the weights drift in between. The first purchase is always
   * made on the first day of the evaluation window.
   */
  rebalance: TradingSchedule;
  /**
   * No-trade band (method.md §12): on a trading day the trade is skipped when the one-way distance
   * ½·Σ|w_target − w_drifted| is at most this. 0 = always trade (the paper's).
   */
  noTradeBand: number;
  /**
   * Trade penalty γ (method.md §12): the objective becomes wᵀμ − δ/2 wᵀΣw − γ·Σ|w − w_held|, with
   * w_held the holdings after the decision day's close. Annual return per unit traded; 0 = off.
   */
  tradePenalty: number;
  /** Annual risk-free rate for Sharpe/Sortino, decimal (method.md §10). */
  riskFreeRate: number;
  /** Scale of the single-factor long-short position clip(μ/scale, −1, 1) (method.md §6). */
  longShortScale: number;
}

export interface ConfigError {
  /** Dotted path of the setting ("model.jumpPenalty", "factors.QUAL.maxFeatures", "" for the whole). */
  field: string;
  /** The offending value (primitives as given; objects and arrays as a short description). */
  value: unknown;
  /** One sentence: what is wrong, the allowed range and what to do. */
  message: string;
  /** The allowed range or values, as text ("0.01 to 0.04"). */
  allowed?: string;
}

export type ConfigResult = { ok: true; config: RunConfig } | { ok: false; errors: ConfigError[] };

// --------------------------------------------------------------------------------------------
// Field specifications: one table drives validation, `--set` parsing and `describeConfig`.

type ScalarSpec =
  | { type: 'number'; min: number; max: number; integer?: boolean; percent?: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'date'; nullable: true }
  | { type: 'ticker'; nullable?: true };

export type ConfigGroup = 'data' | 'universe' | 'model' | 'strategies' | 'walk-forward' | 'allocation' | 'execution' | 'factor';

interface ScalarField {
  path: string;
  group: ConfigGroup;
  label: string;
  description: string;
  unit: string;
  spec: ScalarSpec;
}

/** Features available to the models: 14 from returns, 3 more with the environment (method.md §2). */
export const FEATURES_WITHOUT_ENVIRONMENT = 14;
export const FEATURES_WITH_ENVIRONMENT = 17;

const LAMBDA_MAX = 100_000;
const TICKER_RE = /^[A-Za-z0-9^][A-Za-z0-9._^=-]{0,19}$/;
const MAX_FACTORS = 32;
const MAX_SCHEDULE = 2000;
const MAX_TEXT = 200;
const MAX_ERRORS = 50;

const jumpPenaltySpec: ScalarSpec = { type: 'number', min: 0, max: LAMBDA_MAX };
const maxFeaturesSpec: ScalarSpec = { type: 'number', min: 1, max: FEATURES_WITH_ENVIRONMENT };

const SCALAR_FIELDS: readonly ScalarField[] = [
  { path: 'startDate', group: 'data', label: 'Start date', unit: 'date', spec: { type: 'date', nullable: true },
    description: 'First date of data used; the panel is cut here before features are computed. Empty = the data set\'s first date.' },
  { path: 'endDate', group: 'data', label: 'End date', unit: 'date', spec: { type: 'date', nullable: true },
    description: 'Last date of data used. Empty = the data set\'s last date.' },
  { path: 'market', group: 'universe', label: 'Market', unit: 'ticker', spec: { type: 'ticker' },
    description: 'The market index; every factor\'s active return is measured against it (method §1).' },
  { path: 'useEnvironment', group: 'universe', label: 'Use environment features', unit: '', spec: { type: 'boolean' },
    description: 'Add the VIX, 2-year yield and 10y−2y slope features (17 features instead of 14, method §2).' },
  { path: 'environment.vix', group: 'universe', label: 'VIX series', unit: 'ticker', spec: { type: 'ticker' },
    description: 'Ticker of the VIX level series (feature vix_21).' },
  { path: 'environment.yield2y', group: 'universe', label: '2-year yield series', unit: 'ticker', spec: { type: 'ticker' },
    description: 'Ticker of the 2-year Treasury yield in percent (features y2_21, slope_21).' },
  { path: 'environment.yield10y', group: 'universe', label: '10-year yield series', unit: 'ticker', spec: { type: 'ticker' },
    description: 'Ticker of the 10-year Treasury yield in percent (feature slope_21).' },
  { path: 'universe', group: 'universe', label: 'Universe built from', unit: '', spec: { type: 'enum', values: ['prices', 'longShort'] },
    description: 'prices: the market and factor series are assets. longShort: the factor series are long-short factor returns (Ken French\'s SMB, HML …); each becomes the asset "market + factor" with daily return r_m + a_f — a daily-rebalanced overlay, a research proxy, not an investable fund — whose active return is a_f itself (method §12).' },
  { path: 'riskFree', group: 'universe', label: 'Risk-free series', unit: 'ticker', spec: { type: 'ticker', nullable: true },
    description: 'A daily risk-free return series of the data set (Ken French\'s RF). When set, Sharpe and Sortino subtract each day\'s rate instead of the constant risk-free rate, and in a long-short universe the market is this rate plus the market series (an excess return, like Mkt-RF). Empty = none.' },
  { path: 'model.model', group: 'model', label: 'Regime model', unit: '', spec: { type: 'enum', values: ['sjm', 'jm'] },
    description: 'sjm = sparse jump model with feature selection (method §4); jm = plain jump model on all features (§3).' },
  { path: 'model.k', group: 'model', label: 'Regimes K', unit: 'states', spec: { type: 'number', min: 2, max: 6, integer: true },
    description: 'Number of regimes per factor; state 0 = bull (factor beats market) … K−1 = bear.' },
  { path: 'model.jumpPenalty', group: 'model', label: 'Jump penalty λ', unit: '', spec: jumpPenaltySpec,
    description: 'Cost of a regime switch in the jump model (symmetric strategy); larger = fewer, longer regimes. Default 50 (see the README: the paper tunes λ per factor).' },
  { path: 'model.maxFeatures', group: 'model', label: 'Effective features κ²', unit: 'features', spec: maxFeaturesSpec,
    description: 'Sparse jump model budget ‖w‖₁ ≤ κ (method §4), 1 ≤ κ² ≤ number of features (14, or 17 with environment). Default 9.5, about half the features.' },
  { path: 'model.nInit', group: 'model', label: 'Starts per fit', unit: 'starts', spec: { type: 'number', min: 1, max: 100, integer: true },
    description: 'k-means++ initialisations per fit; the lowest objective wins (method §3).' },
  { path: 'model.seed', group: 'model', label: 'Seed', unit: '', spec: { type: 'number', min: 0, max: 4294967295, integer: true },
    description: 'Seed of every random choice; the same configuration and data give a bit-identical result.' },
  { path: 'strategies.symmetric', group: 'strategies', label: 'Symmetric strategy', unit: '', spec: { type: 'boolean' },
    description: 'Run the strategy whose regimes use the scalar jump penalty λ.' },
  { path: 'strategies.asymmetric', group: 'strategies', label: 'Asymmetric strategy', unit: '', spec: { type: 'boolean' },
    description: 'Run the strategy whose regimes use separate penalties for entering and leaving the bear state (method §3).' },
  { path: 'asymmetric.jumpPenaltyEnter', group: 'strategies', label: 'λ enter bear', unit: '', spec: jumpPenaltySpec,
    description: 'Asymmetric strategy: Λ[bull→bear], the cost of entering the bear regime. Default 25: bear is flagged sooner.' },
  { path: 'asymmetric.jumpPenaltyExit', group: 'strategies', label: 'λ leave bear', unit: '', spec: jumpPenaltySpec,
    description: 'Asymmetric strategy: Λ[bear→bull], the cost of leaving it. Default 75: a round trip costs 100 = 2λ, like the symmetric default.' },
  { path: 'trainMinYears', group: 'walk-forward', label: 'Minimum training years', unit: 'years', spec: { type: 'number', min: 1, max: 30, integer: true },
    description: 'No model is fitted (and nothing is traded) before this many calendar years of valid feature rows exist (method §6).' },
  { path: 'trainMaxYears', group: 'walk-forward', label: 'Maximum training years', unit: 'years', spec: { type: 'number', min: 1, max: 50, integer: true },
    description: 'The expanding training window becomes a rolling one of this length (method §6).' },
  { path: 'refitFrequency', group: 'walk-forward', label: 'Refit frequency', unit: '', spec: { type: 'enum', values: ['monthly', 'quarterly'] },
    description: 'Refit on the first trading day of every month (the paper\'s) or of every third month; labels are online in between.' },
  { path: 'trackingErrorTarget', group: 'allocation', label: 'Tracking-error target', unit: 'annualised, decimal', spec: { type: 'number', min: 0.01, max: 0.04, percent: true },
    description: 'Ex-ante tracking error against the EW benchmark that the view confidence is tuned to hit each day (method §8).' },
  { path: 'tau', group: 'allocation', label: 'τ', unit: '', spec: { type: 'number', min: 0.001, max: 1 },
    description: 'Black-Litterman scale of the prior\'s uncertainty τΣ (method §8).' },
  { path: 'riskAversion', group: 'allocation', label: 'Risk aversion δ', unit: '', spec: { type: 'number', min: 0.1, max: 20 },
    description: 'Prior π = δΣw_b and objective wᵀμ − δ/2 wᵀΣw (method §8).' },
  { path: 'covarianceHalflife', group: 'allocation', label: 'Covariance halflife', unit: 'trading days', spec: { type: 'number', min: 5, max: 2520 },
    description: 'Halflife of the exponentially weighted covariance Σ (pandas ewm(halflife).cov(), annualised ×252).' },
  { path: 'costBps', group: 'execution', label: 'Cost', unit: 'bps of turnover', spec: { type: 'number', min: 0, max: 200 },
    description: 'Transaction cost per unit of turnover Σ|w_target − w_drifted| (both sides), charged at each trade (method §9).' },
  { path: 'benchmarkRebalance', group: 'execution', label: 'EW rebalancing', unit: '', spec: { type: 'enum', values: ['monthly', 'quarterly', 'annually', 'never'] },
    description: 'When the equal-weight benchmark trades back to 1/N: on the last trading day of each period (quarterly in the paper).' },
  { path: 'rebalance', group: 'execution', label: 'Strategy trading days', unit: '', spec: { type: 'enum', values: ['daily', 'weekly', 'monthly'] },
    description: 'Days on which the regime strategies may trade: every day (the paper\'s), or only the last trading day of each week or month; the weights drift with prices in between. The first purchase is always on the first day (method §12).' },
  { path: 'noTradeBand', group: 'execution', label: 'No-trade band', unit: 'one-way share of the portfolio, decimal', spec: { type: 'number', min: 0, max: 1, percent: true },
    description: 'On a trading day the trade is skipped when the one-way distance ½·Σ|w_target − w_drifted| is at most this; otherwise the portfolio trades all the way to the target. 0 = always trade (method §12).' },
  { path: 'tradePenalty', group: 'execution', label: 'Trade penalty γ', unit: 'annual return per unit traded, decimal', spec: { type: 'number', min: 0, max: 1, percent: true },
    description: 'Linear penalty γ·Σ|w − w_held| subtracted from the mean-variance objective (w_held: the holdings after the decision day\'s close), solved exactly; the tracking-error target is still hit where it can be and the day is flagged where it cannot. 0 = off (method §12).' },
  { path: 'riskFreeRate', group: 'execution', label: 'Risk-free rate', unit: 'annual, decimal', spec: { type: 'number', min: -0.05, max: 0.25, percent: true },
    description: 'Subtracted (as rf/252 a day) in the Sharpe and Sortino ratios (method §10).' },
  { path: 'longShortScale', group: 'execution', label: 'Long-short scale', unit: 'annual, decimal', spec: { type: 'number', min: 0.001, max: 1, percent: true },
    description: 'Diagnostic long-short position clip(μ_state / scale, −1, 1) in factor − market (method §6).' },
];

const FIELD_BY_PATH = new Map(SCALAR_FIELDS.map((f) => [f.path, f]));

/** Per-factor scalar overrides: same specs as the defaults they override. */
const FACTOR_FIELDS: readonly { key: 'jumpPenalty' | 'maxFeatures' | 'jumpPenaltyEnter' | 'jumpPenaltyExit'; label: string; spec: ScalarSpec; description: string }[] = [
  { key: 'jumpPenalty', label: 'λ', spec: jumpPenaltySpec, description: 'This factor\'s jump penalty (symmetric strategy); empty = model.jumpPenalty.' },
  { key: 'maxFeatures', label: 'κ²', spec: maxFeaturesSpec, description: 'This factor\'s effective number of features; empty = model.maxFeatures.' },
  { key: 'jumpPenaltyEnter', label: 'λ enter bear', spec: jumpPenaltySpec, description: 'This factor\'s cost of entering bear (asymmetric strategy); empty = asymmetric.jumpPenaltyEnter.' },
  { key: 'jumpPenaltyExit', label: 'λ leave bear', spec: jumpPenaltySpec, description: 'This factor\'s cost of leaving bear (asymmetric strategy); empty = asymmetric.jumpPenaltyExit.' },
];

// --------------------------------------------------------------------------------------------
// Defaults (method.md). Frozen so that nobody edits the shared copy; use defaultConfig() to edit.

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export const DEFAULT_FACTOR_TICKERS = ['QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF'] as const;

export const DEFAULT_CONFIG: RunConfig = deepFreeze<RunConfig>({
  version: CONFIG_VERSION,
  dataset: null,
  startDate: null,
  endDate: null,
  market: 'SPY',
  factors: DEFAULT_FACTOR_TICKERS.map((ticker) => ({ ticker })),
  useEnvironment: true,
  environment: { vix: 'VIX', yield2y: 'DGS2', yield10y: 'DGS10' },
  universe: 'prices',
  riskFree: null,
  model: { model: 'sjm', k: 2, jumpPenalty: 50, maxFeatures: 9.5, nInit: 10, seed: 0 },
  strategies: { symmetric: true, asymmetric: true },
  asymmetric: { jumpPenaltyEnter: 25, jumpPenaltyExit: 75 },
  trainMinYears: 8,
  trainMaxYears: 12,
  refitFrequency: 'monthly',
  trackingErrorTarget: 0.02,
  tau: 0.05,
  riskAversion: 2.5,
  covarianceHalflife: 126,
  costBps: 5,
  benchmarkRebalance: 'quarterly',
  rebalance: 'daily',
  noTradeBand: 0,
  tradePenalty: 0,
  riskFreeRate: 0,
  longShortScale: 0.05,
});

/** A fresh, mutable copy of the defaults. */
export function defaultConfig(): RunConfig {
  return JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as RunConfig;
}

// --------------------------------------------------------------------------------------------
// Small safe readers.

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** A short, safe description of a value for an error message. */
function preview(v: unknown): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 77)}...` : v;
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return `[array of ${v.length}]`;
  if (typeof v === 'object') return '{object}';
  return `(${typeof v})`;
}

function show(v: unknown): string {
  const p = preview(v);
  return typeof p === 'string' ? JSON.stringify(p) : String(p);
}

/** A fraction as the percent people write: 0.02 → "2%", 0.015 → "1.5%" (settings are few-digit decimals). */
function percentText(x: number): string {
  return `${Number((x * 100).toPrecision(12))}%`;
}

/**
 * The name a person knows a setting by, for messages: its label ("Tracking-error target"), "QUAL λ"
 * for a factor's own value; the dotted path only where there is no label. ConfigError.field keeps
 * the path (code and the CLI's --set use it).
 */
export function settingName(field: string): string {
  const f = FIELD_BY_PATH.get(field);
  if (f) return f.label;
  const m = /^factors\.([^.]+)\.(?:schedule\[(\d+)\]\.)?(\w+)$/.exec(field);
  const ff = m ? FACTOR_FIELDS.find((x) => x.key === m[3]) : undefined;
  if (m && ff) return `${m[1]} ${ff.label}${m[2] !== undefined ? ` (parameter path entry ${Number(m[2]) + 1})` : ''}`;
  return field;
}

/** Allowed values as people read them: percent settings in percent ("1% to 4%"). */
function rangeText(spec: ScalarSpec): string {
  if (spec.type === 'number' && spec.percent) return `${spec.integer ? 'a whole number ' : ''}${percentText(spec.min)} to ${percentText(spec.max)}`;
  return allowedText(spec);
}

function allowedText(spec: ScalarSpec): string {
  switch (spec.type) {
    case 'number': return `${spec.integer ? 'a whole number ' : ''}${spec.min} to ${spec.max}`;
    case 'boolean': return 'true or false';
    case 'enum': return spec.values.join(' | ');
    case 'date': return 'a date YYYY-MM-DD, or null';
    case 'ticker': return `a ticker of 1-20 letters, digits or . _ ^ = -${spec.nullable ? ', or empty' : ''}`;
  }
}

/** Valid ISO calendar date YYYY-MM-DD (years 1800-2200). */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const y = Number(s.slice(0, 4)), m = Number(s.slice(5, 7)), d = Number(s.slice(8, 10));
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= dim;
}

class Collector {
  readonly errors: ConfigError[] = [];
  private dropped = 0;
  add(field: string, value: unknown, message: string, allowed?: string): void {
    if (this.errors.length >= MAX_ERRORS) { this.dropped++; return; }
    const e: ConfigError = { field, value: preview(value), message };
    if (allowed !== undefined) e.allowed = allowed;
    this.errors.push(e);
  }
  finish(): ConfigError[] {
    if (this.dropped) this.errors.push({ field: '', value: null, message: `… and ${this.dropped} more errors` });
    return this.errors;
  }
}

/** Check one scalar; returns the (normalised) value or undefined after recording an error. */
function checkScalar(spec: ScalarSpec, field: string, v: unknown, c: Collector): unknown {
  const allowed = allowedText(spec);
  const name = settingName(field), range = rangeText(spec);
  switch (spec.type) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        c.add(field, v, `${name}: ${show(v)} is not a finite number (allowed ${range})`, allowed);
        return undefined;
      }
      if (spec.integer && !Number.isInteger(v)) {
        c.add(field, v, `${name}: ${v} is not a whole number (allowed ${range})`, allowed);
        return undefined;
      }
      if (v < spec.min || v > spec.max) {
        c.add(field, v, `${name}: ${spec.percent ? percentText(v) : v} is out of range: allowed ${range}`, allowed);
        return undefined;
      }
      return v === 0 ? 0 : v; // fold -0
    }
    case 'boolean':
      if (typeof v !== 'boolean') { c.add(field, v, `${name}: ${show(v)} is not true or false`, allowed); return undefined; }
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        c.add(field, v, `${name}: ${show(v)} is not one of ${allowed}`, allowed);
        return undefined;
      }
      return v;
    case 'date':
      if (v === null) return null;
      if (!isIsoDate(v)) { c.add(field, v, `${name}: ${show(v)} is not a date (YYYY-MM-DD, or null for none)`, allowed); return undefined; }
      return v;
    case 'ticker':
      if (spec.nullable && (v === null || v === '')) return null;
      if (typeof v !== 'string' || !TICKER_RE.test(v)) {
        c.add(field, v, `${name}: ${show(v)} is not a ticker (1-20 letters, digits or . _ ^ = -)`, allowed);
        return undefined;
      }
      // Kept as spelled: data sets keep their files' names (Mkt-RF), and every lookup of a
      // configuration's ticker in a data set or in `factors` is case-insensitive (sameTicker).
      return v;
  }
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], prefix: string, c: Collector): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const field = prefix ? `${prefix}.${k}` : k;
      c.add(field, own(o, k), `${field} is not a setting of this version (allowed here: ${allowed.join(', ')}); remove it`);
    }
  }
}

// --------------------------------------------------------------------------------------------
// validateConfig

const TOP_KEYS = ['version', 'dataset', 'startDate', 'endDate', 'market', 'factors', 'useEnvironment', 'environment', 'universe', 'riskFree', 'model',
  'strategies', 'asymmetric', 'trainMinYears', 'trainMaxYears', 'refitFrequency', 'trackingErrorTarget', 'tau', 'riskAversion',
  'covarianceHalflife', 'costBps', 'benchmarkRebalance', 'rebalance', 'noTradeBand', 'tradePenalty', 'riskFreeRate', 'longShortScale'] as const;
const NESTED: Record<string, readonly string[]> = {
  environment: ['vix', 'yield2y', 'yield10y'],
  model: ['model', 'k', 'jumpPenalty', 'maxFeatures', 'nInit', 'seed'],
  strategies: ['symmetric', 'asymmetric'],
  asymmetric: ['jumpPenaltyEnter', 'jumpPenaltyExit'],
};
const DATASET_KEYS = ['id', 'name', 'hash', 'firstDate', 'lastDate'] as const;
const FACTOR_KEYS = ['ticker', 'jumpPenalty', 'maxFeatures', 'jumpPenaltyEnter', 'jumpPenaltyExit', 'penaltyMatrix', 'schedule'] as const;
const CHANGE_KEYS = ['from', 'jumpPenalty', 'maxFeatures', 'jumpPenaltyEnter', 'jumpPenaltyExit'] as const;

function checkText(field: string, v: unknown, c: Collector): string | undefined {
  // Printable text only: these strings end up on screen and in file names.
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(v)) {
    c.add(field, v, `${field} must be a non-empty text of at most ${MAX_TEXT} printable characters, got ${show(v)}`, `text, 1-${MAX_TEXT} characters`);
    return undefined;
  }
  return v;
}

function checkDataset(v: unknown, c: Collector): DatasetRef | null | undefined {
  if (v === null || v === undefined) return null;
  if (!isPlainObject(v)) { c.add('dataset', v, `dataset must be null or an object {id, name, hash, firstDate, lastDate}, got ${show(v)}`); return undefined; }
  checkKeys(v, DATASET_KEYS, 'dataset', c);
  const id = checkText('dataset.id', own(v, 'id'), c);
  const name = checkText('dataset.name', own(v, 'name'), c);
  const hash = checkText('dataset.hash', own(v, 'hash'), c);
  const firstDate = own(v, 'firstDate'), lastDate = own(v, 'lastDate');
  let ok = id !== undefined && name !== undefined && hash !== undefined;
  if (!isIsoDate(firstDate)) { c.add('dataset.firstDate', firstDate, `dataset.firstDate must be a date YYYY-MM-DD, got ${show(firstDate)}`, 'YYYY-MM-DD'); ok = false; }
  if (!isIsoDate(lastDate)) { c.add('dataset.lastDate', lastDate, `dataset.lastDate must be a date YYYY-MM-DD, got ${show(lastDate)}`, 'YYYY-MM-DD'); ok = false; }
  if (!ok) return undefined;
  if ((firstDate as string) > (lastDate as string)) {
    c.add('dataset.lastDate', lastDate, `dataset.lastDate ${lastDate as string} is before dataset.firstDate ${firstDate as string}`);
    return undefined;
  }
  return { id: id!, name: name!, hash: hash!, firstDate: firstDate as string, lastDate: lastDate as string };
}

function checkPenaltyMatrix(field: string, v: unknown, c: Collector): number[][] | undefined {
  if (!Array.isArray(v) || v.length < 2 || v.length > 6) {
    c.add(field, v, `${field} must be a K×K array of arrays with 2 ≤ K ≤ 6, got ${show(v)}`, 'K×K, K = model.k');
    return undefined;
  }
  const K = v.length;
  const out: number[][] = [];
  for (let i = 0; i < K; i++) {
    const row: unknown = v[i];
    if (!Array.isArray(row) || row.length !== K) { c.add(`${field}[${i}]`, row, `${field} row ${i} must have ${K} numbers, got ${show(row)}`); return undefined; }
    const r: number[] = [];
    for (let j = 0; j < K; j++) {
      const x: unknown = row[j];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > LAMBDA_MAX) {
        c.add(`${field}[${i}][${j}]`, x, `${field}[${i}][${j}] must be a number from 0 to ${LAMBDA_MAX}, got ${show(x)}`, `0 to ${LAMBDA_MAX}`);
        return undefined;
      }
      if (i === j && x !== 0) { c.add(`${field}[${i}][${j}]`, x, `${field}[${i}][${i}] must be 0 (staying in a regime costs nothing, method §3)`, '0'); return undefined; }
      r.push(x === 0 ? 0 : x);
    }
    out.push(r);
  }
  return out;
}

type Overrides = Partial<Record<(typeof FACTOR_FIELDS)[number]['key'], number>>;

function checkOverrides(o: Record<string, unknown>, prefix: string, c: Collector, target: Overrides): boolean {
  let ok = true;
  for (const f of FACTOR_FIELDS) {
    const v = own(o, f.key);
    if (v === undefined || v === null) continue;
    const x = checkScalar(f.spec, `${prefix}.${f.key}`, v, c);
    if (x === undefined) ok = false; else target[f.key] = x as number;
  }
  return ok;
}

function checkSchedule(field: string, v: unknown, c: Collector): ParameterChange[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_SCHEDULE) {
    c.add(field, v, `${field} must be an array of at most ${MAX_SCHEDULE} entries {from, jumpPenalty?, maxFeatures?, jumpPenaltyEnter?, jumpPenaltyExit?}, got ${show(v)}`);
    return undefined;
  }
  const out: ParameterChange[] = [];
  let prev = '';
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    const f = `${field}[${i}]`;
    if (!isPlainObject(e)) { c.add(f, e, `${f} must be an object {from, …}, got ${show(e)}`); return undefined; }
    checkKeys(e, CHANGE_KEYS, f, c);
    const from = own(e, 'from');
    if (!isIsoDate(from)) { c.add(`${f}.from`, from, `${f}.from must be a date YYYY-MM-DD, got ${show(from)}`, 'YYYY-MM-DD'); return undefined; }
    if (from <= prev) { c.add(`${f}.from`, from, `${f}.from ${from} must come after the previous entry's ${prev} (strictly ascending)`); return undefined; }
    prev = from;
    const change: ParameterChange = { from };
    if (!checkOverrides(e, f, c, change)) return undefined;
    out.push(change);
  }
  return out;
}

function checkFactors(v: unknown, c: Collector): FactorSettings[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_FACTORS) {
    c.add('factors', v, `factors must be a list of 1 to ${MAX_FACTORS} factors ({ticker, …} objects or ticker strings), got ${show(v)}`, `1 to ${MAX_FACTORS} factors`);
    return undefined;
  }
  const out: FactorSettings[] = [];
  let ok = true;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    // A bare ticker string is accepted as shorthand for {ticker} (hand-written run.json files).
    if (typeof e === 'string') {
      const t = checkScalar({ type: 'ticker' }, `factors[${i}]`, e, c);
      if (t === undefined) ok = false; else out.push({ ticker: t as string });
      continue;
    }
    if (!isPlainObject(e)) { c.add(`factors[${i}]`, e, `factors[${i}] must be {ticker, …} or a ticker string, got ${show(e)}`); ok = false; continue; }
    const t = checkScalar({ type: 'ticker' }, `factors[${i}].ticker`, own(e, 'ticker'), c);
    if (t === undefined) { ok = false; continue; }
    const prefix = `factors.${t as string}`;
    checkKeys(e, FACTOR_KEYS, prefix, c);
    const f: FactorSettings = { ticker: t as string };
    if (!checkOverrides(e, prefix, c, f)) ok = false;
    const pm = own(e, 'penaltyMatrix');
    if (pm !== undefined && pm !== null) {
      const m = checkPenaltyMatrix(`${prefix}.penaltyMatrix`, pm, c);
      if (m === undefined) ok = false; else f.penaltyMatrix = m;
    }
    const sc = own(e, 'schedule');
    if (sc !== undefined && sc !== null) {
      const s = checkSchedule(`${prefix}.schedule`, sc, c);
      if (s === undefined) ok = false; else if (s.length) f.schedule = s;
    }
    out.push(f);
  }
  return ok ? out : undefined;
}

/**
 * Validate anything (a parsed JSON file, a decoded share link, the UI form's state) as a RunConfig.
 * Missing settings take their defaults (so older files of the same version keep loading); unknown
 * settings, wrong types and out-of-range values are errors naming the field, the value and the
 * allowed range. Never throws.
 */
export function validateConfig(raw: unknown): ConfigResult {
  const c = new Collector();
  try {
    if (!isPlainObject(raw)) {
      c.add('', raw, `a run configuration must be a JSON object, got ${show(raw)}`);
      return { ok: false, errors: c.finish() };
    }
    const version = own(raw, 'version');
    if (version !== CONFIG_VERSION) {
      c.add('version', version, version === undefined
        ? `version is missing: add "version": ${CONFIG_VERSION}`
        : `version ${show(version)} is not supported: this app reads version ${CONFIG_VERSION} (a newer app may have written it)`, String(CONFIG_VERSION));
      return { ok: false, errors: c.finish() };
    }
    checkKeys(raw, TOP_KEYS, '', c);
    for (const [k, keys] of Object.entries(NESTED)) {
      const o = own(raw, k);
      if (o === undefined) continue;
      if (!isPlainObject(o)) c.add(k, o, `${k} must be an object with ${keys.join(', ')}, got ${show(o)}`);
      else checkKeys(o, keys, k, c);
    }
    const cfg = defaultConfig();
    for (const f of SCALAR_FIELDS) {
      const dot = f.path.indexOf('.');
      let v: unknown;
      if (dot < 0) v = own(raw, f.path);
      else {
        const parent = own(raw, f.path.slice(0, dot));
        v = isPlainObject(parent) ? own(parent, f.path.slice(dot + 1)) : undefined;
      }
      if (v === undefined) continue;
      const x = checkScalar(f.spec, f.path, v, c);
      if (x !== undefined) setScalar(cfg, f.path, x);
    }
    const ds = checkDataset(own(raw, 'dataset'), c);
    if (ds !== undefined) cfg.dataset = ds;
    const fv = own(raw, 'factors');
    if (fv !== undefined) {
      const factors = checkFactors(fv, c);
      if (factors) cfg.factors = factors;
    }
    if (c.errors.length === 0) crossChecks(cfg, c);
    return c.errors.length ? { ok: false, errors: c.finish() } : { ok: true, config: cfg };
  } catch (e) {
    // Proxies, throwing getters and other non-JSON input end here, never in the caller.
    c.add('', null, `the configuration could not be read (${e instanceof Error ? e.message.slice(0, 100) : 'unknown error'}); start from the defaults`);
    return { ok: false, errors: c.finish() };
  }
}

function crossChecks(cfg: RunConfig, c: Collector): void {
  if (cfg.trainMinYears > cfg.trainMaxYears) {
    c.add('trainMinYears', cfg.trainMinYears, `${settingName('trainMinYears')}: ${cfg.trainMinYears} exceeds the ${settingName('trainMaxYears').toLowerCase()} (${cfg.trainMaxYears}): the minimum window must not be longer than the maximum`, `1 to trainMaxYears (${cfg.trainMaxYears})`);
  }
  if (cfg.startDate && cfg.endDate && cfg.startDate >= cfg.endDate) {
    c.add('endDate', cfg.endDate, `${settingName('endDate')}: ${cfg.endDate} must come after the ${settingName('startDate').toLowerCase()} ${cfg.startDate}`, `after ${cfg.startDate}`);
  }
  if (!cfg.strategies.symmetric && !cfg.strategies.asymmetric) {
    c.add('strategies', 'none', 'Strategies: choose at least one of the symmetric and asymmetric strategies', 'symmetric and/or asymmetric');
  }
  // Tickers are compared case-insensitively (SPY and spy are one series).
  const seen = new Set<string>();
  for (const f of cfg.factors) {
    if (seen.has(f.ticker.toUpperCase())) c.add('factors', f.ticker, `Factors: ${f.ticker} is listed twice; list each factor once`);
    if (sameTicker(f.ticker, cfg.market)) c.add('factors', f.ticker, `Factors: ${f.ticker} is the market; a factor must be a different asset`);
    seen.add(f.ticker.toUpperCase());
  }
  if (cfg.useEnvironment) {
    const env = [cfg.environment.vix, cfg.environment.yield2y, cfg.environment.yield10y];
    for (const [i, t] of env.entries()) {
      const key = ['vix', 'yield2y', 'yield10y'][i]!;
      if (sameTicker(t, cfg.market) || seen.has(t.toUpperCase())) c.add(`environment.${key}`, t, `${settingName(`environment.${key}`)}: ${t} is already the market or a factor; it must be a level series of its own`);
    }
    if (new Set(env.map((t) => t.toUpperCase())).size !== 3) c.add('environment', env.join(','), 'environment: VIX, 2-year and 10-year series must be three different tickers');
  }
  if (cfg.riskFree !== null && (sameTicker(cfg.riskFree, cfg.market) || seen.has(cfg.riskFree.toUpperCase()))) {
    c.add('riskFree', cfg.riskFree, `riskFree: ${cfg.riskFree} is already the market or a factor; the risk-free rate must be a series of its own`);
  }
  const D = cfg.useEnvironment ? FEATURES_WITH_ENVIRONMENT : FEATURES_WITHOUT_ENVIRONMENT;
  const checkKappa = (field: string, v: number | undefined) => {
    if (v !== undefined && v > D) {
      c.add(field, v, `${settingName(field)}: ${v} exceeds the ${D} features available${cfg.useEnvironment ? '' : ' without environment series'} (method §4: 1 ≤ κ² ≤ D)`, `1 to ${D}`);
    }
  };
  checkKappa('model.maxFeatures', cfg.model.maxFeatures);
  for (const f of cfg.factors) {
    checkKappa(`factors.${f.ticker}.maxFeatures`, f.maxFeatures);
    f.schedule?.forEach((s, i) => checkKappa(`factors.${f.ticker}.schedule[${i}].maxFeatures`, s.maxFeatures));
    if (f.penaltyMatrix && f.penaltyMatrix.length !== cfg.model.k) {
      c.add(`factors.${f.ticker}.penaltyMatrix`, `${f.penaltyMatrix.length}×${f.penaltyMatrix.length}`, `factors.${f.ticker}.penaltyMatrix is ${f.penaltyMatrix.length}×${f.penaltyMatrix.length} but model.k = ${cfg.model.k}`, `${cfg.model.k}×${cfg.model.k}`);
    }
  }
}

function setScalar(cfg: RunConfig, path: string, v: unknown): void {
  const dot = path.indexOf('.');
  // Paths come from SCALAR_FIELDS only (never from input), so these writes cannot reach a prototype.
  if (dot < 0) (cfg as unknown as Record<string, unknown>)[path] = v;
  else ((cfg as unknown as Record<string, Record<string, unknown>>)[path.slice(0, dot)]!)[path.slice(dot + 1)] = v;
}

/**
 * The value at a dotted path of a configuration, as `--set`, the field table and messages name it:
 * `trackingErrorTarget`, `model.k`, `factors.QUAL.jumpPenalty` (the factor found by its ticker, in
 * any case); undefined where there is none.
 */
export function configValue(config: RunConfig, path: string): unknown {
  const m = /^factors\.([^.]+)\.(\w+)$/.exec(path);
  if (m) return (config.factors.find((f) => sameTicker(f.ticker, m[1]!)) as Record<string, unknown> | undefined)?.[m[2]!];
  let o: unknown = config;
  for (const k of path.split('.')) o = o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
  return o;
}

// --------------------------------------------------------------------------------------------
// `--set key=value`

/** Parse a command-line value for a scalar field. Returns the value or an error message. */
function parseScalarText(spec: ScalarSpec, text: string): { v: unknown } | { error: string } {
  const t = text.trim();
  switch (spec.type) {
    case 'number': {
      let s = t, scale = 1;
      if (spec.percent && s.endsWith('%')) { s = s.slice(0, -1).trim(); scale = 0.01; }
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { error: `"${text}" is not a number` };
      return { v: Number(s) * scale };
    }
    case 'boolean': {
      const l = t.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(l)) return { v: true };
      if (['false', '0', 'no', 'off'].includes(l)) return { v: false };
      return { error: `"${text}" is not true or false` };
    }
    case 'date':
      return { v: t === '' || t.toLowerCase() === 'null' ? null : t };
    case 'ticker':
      return { v: spec.nullable && (t === '' || t.toLowerCase() === 'null') ? null : t };
    default:
      return { v: t };
  }
}

/**
 * Apply one `key=value` assignment (the CLI's `--set`) and re-validate. Keys are dotted paths:
 * `trainMinYears=5`, `model.jumpPenalty=30`, `factors.QUAL.jumpPenalty=30` (empty value removes
 * the override), `factors=QUAL,MTUM,USMV` (keeps the settings of factors that stay),
 * `factors.QUAL.penaltyMatrix=[[0,20],[80,0]]`, `factors.QUAL.schedule=[{"from":"2020-01-02","jumpPenalty":10}]`,
 * `dataset=null` or `dataset={...json...}`. Numbers of percent-like fields accept `2%`.
 */
export function applyOverride(config: RunConfig, assignment: string): ConfigResult {
  const c = new Collector();
  const eq = assignment.indexOf('=');
  if (eq < 1) {
    c.add('', assignment, `--set expects key=value (e.g. trainMinYears=5 or factors.QUAL.jumpPenalty=30), got "${assignment.slice(0, 80)}"`);
    return { ok: false, errors: c.finish() };
  }
  const key = assignment.slice(0, eq).trim();
  const text = assignment.slice(eq + 1);
  const raw = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const parts = key.split('.');
  const fail = (msg: string, allowed?: string): ConfigResult => { c.add(key, text, msg, allowed); return { ok: false, errors: c.finish() }; };
  const parseJson = (): { v: unknown } | { error: string } => {
    try { return { v: JSON.parse(text) as unknown }; } catch { return { error: `${key}: "${text.slice(0, 80)}" is not valid JSON` }; }
  };

  if (key === 'version') return fail('version cannot be set: it is the format of the file');
  if (key === 'dataset') {
    if (text.trim() === '' || text.trim() === 'null') raw.dataset = null;
    else { const p = parseJson(); if ('error' in p) return fail(p.error); raw.dataset = p.v; }
    return validateConfig(raw);
  }
  if (key === 'factors') {
    const tickers = text.split(',').map((s) => s.trim()).filter(Boolean);
    const old = new Map((raw.factors as Record<string, unknown>[]).map((f) => [String(f.ticker).toUpperCase(), f]));
    raw.factors = tickers.map((t) => old.get(t.toUpperCase()) ?? t);
    return validateConfig(raw);
  }
  if (parts[0] === 'factors' && parts.length === 3) {
    const field = parts[2]!;
    const list = raw.factors as Record<string, unknown>[];
    const entry = list.find((f) => sameTicker(String(f.ticker), parts[1]!));
    if (!entry) return fail(`${key}: ${parts[1]} is not one of the factors (${list.map((f) => String(f.ticker)).join(', ')}); add it with --set factors=…`);
    const ff = FACTOR_FIELDS.find((f) => f.key === field);
    if (ff) {
      if (text.trim() === '') { delete entry[field]; return validateConfig(raw); }
      const p = parseScalarText(ff.spec, text);
      if ('error' in p) return fail(`${key}: ${p.error} (allowed ${allowedText(ff.spec)})`, allowedText(ff.spec));
      entry[field] = p.v;
      return validateConfig(raw);
    }
    if (field === 'penaltyMatrix' || field === 'schedule') {
      if (text.trim() === '' || text.trim() === 'null') { delete entry[field]; return validateConfig(raw); }
      const p = parseJson(); if ('error' in p) return fail(p.error);
      entry[field] = p.v;
      return validateConfig(raw);
    }
    return fail(`${key}: ${field} is not a per-factor setting (allowed: ${[...FACTOR_FIELDS.map((f) => f.key), 'penaltyMatrix', 'schedule'].join(', ')})`);
  }
  const spec = FIELD_BY_PATH.get(key);
  if (!spec) {
    return fail(`${key} is not a setting; see describeConfig() or the README for the list (e.g. trackingErrorTarget, model.jumpPenalty, factors.QUAL.jumpPenalty)`);
  }
  const p = parseScalarText(spec.spec, text);
  if ('error' in p) return fail(`${key}: ${p.error} (allowed ${allowedText(spec.spec)})`, allowedText(spec.spec));
  const dot = key.indexOf('.');
  if (dot < 0) raw[key] = p.v;
  else (raw[key.slice(0, dot)] as Record<string, unknown>)[key.slice(dot + 1)] = p.v;
  return validateConfig(raw);
}

/** Apply several `--set` assignments in order; stops at the first failing one. */
export function applyOverrides(config: RunConfig, assignments: readonly string[]): ConfigResult {
  let cur: RunConfig = config;
  for (const a of assignments) {
    const r = applyOverride(cur, a);
    if (!r.ok) return r;
    cur = r.config;
  }
  return { ok: true, config: cur };
}

// --------------------------------------------------------------------------------------------
// describeConfig: the field table for the UI form and the README.

export interface ConfigFieldInfo {
  /** Dotted path as used by `--set` (per-factor rows use `factors.<TICKER>.…`). */
  path: string;
  group: ConfigGroup;
  label: string;
  description: string;
  type: 'number' | 'integer' | 'boolean' | 'enum' | 'date' | 'ticker' | 'tickers' | 'dataset' | 'matrix' | 'schedule';
  /** Default value (null = none / "use the model default"). */
  default: unknown;
  /** Allowed range or values as text. */
  allowed: string;
  unit: string;
  min?: number;
  max?: number;
  options?: readonly string[];
  /** Number fields that accept "2%" on the command line. */
  percent?: boolean;
  /** Ticker fields that may be empty (null). */
  nullable?: boolean;
}

export function describeConfig(): ConfigFieldInfo[] {
  const rows: ConfigFieldInfo[] = [
    { path: 'dataset', group: 'data', label: 'Data set', type: 'dataset', default: null, unit: '',
      allowed: 'null or {id, name, hash, firstDate, lastDate}',
      description: 'The data set the run was made on (id, name, content hash and date range); a share link carries it so another machine can find or ask for it.' },
  ];
  const toInfo = (f: { path: string; group: ConfigGroup; label: string; description: string; unit: string; spec: ScalarSpec }, def: unknown): ConfigFieldInfo => {
    const s = f.spec;
    const info: ConfigFieldInfo = {
      path: f.path, group: f.group, label: f.label, description: f.description, unit: f.unit, default: def, allowed: allowedText(s),
      type: s.type === 'number' ? (s.integer ? 'integer' : 'number') : s.type,
    };
    if (s.type === 'number') { info.min = s.min; info.max = s.max; if (s.percent) info.percent = true; }
    if (s.type === 'enum') info.options = s.values;
    if (s.type === 'ticker' && s.nullable) info.nullable = true;
    return info;
  };
  for (const f of SCALAR_FIELDS) {
    rows.push(toInfo(f, configValue(DEFAULT_CONFIG, f.path)));
    if (f.path === 'market') {
      rows.push({ path: 'factors', group: 'universe', label: 'Factors', type: 'tickers', default: DEFAULT_FACTOR_TICKERS.join(','), unit: 'tickers',
        allowed: `1 to ${MAX_FACTORS} distinct tickers, not the market`,
        description: 'The factor assets, in order; each gets its own regime model and one Black-Litterman view (long factor, short market).' });
    }
  }
  for (const f of FACTOR_FIELDS) {
    rows.push(toInfo({ path: `factors.<TICKER>.${f.key}`, group: 'factor', label: f.label, description: f.description, unit: '', spec: f.spec }, null));
  }
  rows.push({ path: 'factors.<TICKER>.penaltyMatrix', group: 'factor', label: 'Penalty matrix Λ', type: 'matrix', default: null, unit: '',
    allowed: 'K×K numbers 0 to 100000, zero diagonal (K = model.k)',
    description: 'Asymmetric strategy, any K: Λ[from][to] with states ordered bull (0) … bear (K−1); overrides λ enter/leave for this factor.' });
  rows.push({ path: 'factors.<TICKER>.schedule', group: 'factor', label: 'Parameter path', type: 'schedule', default: null, unit: '',
    allowed: `up to ${MAX_SCHEDULE} entries {from: date, jumpPenalty?, maxFeatures?, jumpPenaltyEnter?, jumpPenaltyExit?}, dates ascending`,
    description: 'Tuning-chosen parameters (rolling selection): from each date on, refits use these values instead of the factor\'s fixed ones.' });
  return rows;
}

// --------------------------------------------------------------------------------------------
// Resolution: what the backtest asks of a configuration.

/** Number of features the models see: 17 with the environment series, 14 without (method.md §2). */
export function featureCount(config: RunConfig): number {
  return config.useEnvironment ? FEATURES_WITH_ENVIRONMENT : FEATURES_WITHOUT_ENVIRONMENT;
}

/** The strategies a run computes, in a fixed order. */
export function enabledStrategies(config: RunConfig): StrategyKind[] {
  const out: StrategyKind[] = [];
  if (config.strategies.symmetric) out.push('symmetric');
  if (config.strategies.asymmetric) out.push('asymmetric');
  return out;
}

/** Months between refits. */
export function refitEveryMonths(config: RunConfig): number {
  return config.refitFrequency === 'quarterly' ? 3 : 1;
}

export interface ResolvedFactorModel {
  ticker: string;
  model: ModelKind;
  k: number;
  /** K×K row-major penalty matrix Λ[from, to], zero diagonal; states ordered bull (0) … bear (K−1). */
  penaltyMatrix: Float64Array;
  /** The scalar λ when Λ = λ(1 − I) (symmetric strategy), else null. */
  jumpPenalty: number | null;
  /** κ² (ignored by model 'jm'). */
  maxFeatures: number;
  nInit: number;
  seed: number;
}

/**
 * Asymmetric Λ from enter/exit penalties: moving towards bear (to a higher state index) costs
 * `enter`, moving back towards bull costs `exit`. For K = 2 this is Λ = [[0, enter], [exit, 0]],
 * Λ[bull, bear] = entering bear (method.md §3).
 */
export function penaltyMatrixFor(k: number, enter: number, exit: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) m[i * k + j] = j > i ? enter : exit;
  return m;
}

/**
 * The model settings of one factor for one strategy at a refit date (ISO; omit for the fixed
 * values): the factor's schedule entry in force at `date` (latest `from` ≤ date) overrides the
 * factor's own values, which override the run-wide defaults. κ² is capped at the feature count.
 */
export function resolveFactorModel(config: RunConfig, ticker: string, strategy: StrategyKind, date?: string): ResolvedFactorModel {
  const f = config.factors.find((x) => sameTicker(x.ticker, ticker));
  if (!f) throw new Error(`resolveFactorModel: ${ticker} is not a factor of this configuration (${config.factors.map((x) => x.ticker).join(', ')})`);
  let change: ParameterChange | undefined;
  if (date && f.schedule) for (const s of f.schedule) { if (s.from <= date) change = s; else break; }
  const k = config.model.k;
  const maxFeatures = Math.min(change?.maxFeatures ?? f.maxFeatures ?? config.model.maxFeatures, featureCount(config));
  const base = { ticker: f.ticker, model: config.model.model, k, maxFeatures, nInit: config.model.nInit, seed: config.model.seed };
  if (strategy === 'symmetric') {
    const lambda = change?.jumpPenalty ?? f.jumpPenalty ?? config.model.jumpPenalty;
    return { ...base, penaltyMatrix: penaltyMatrixFor(k, lambda, lambda), jumpPenalty: lambda };
  }
  if (f.penaltyMatrix && change?.jumpPenaltyEnter === undefined && change?.jumpPenaltyExit === undefined) {
    return { ...base, penaltyMatrix: Float64Array.from(f.penaltyMatrix.flat()), jumpPenalty: null };
  }
  const enter = change?.jumpPenaltyEnter ?? f.jumpPenaltyEnter ?? config.asymmetric.jumpPenaltyEnter;
  const exit = change?.jumpPenaltyExit ?? f.jumpPenaltyExit ?? config.asymmetric.jumpPenaltyExit;
  return { ...base, penaltyMatrix: penaltyMatrixFor(k, enter, exit), jumpPenalty: enter === exit ? enter : null };
}

/** Canonical JSON of a validated configuration (fixed key order): for hashing, caching and links. */
export function serializeConfig(config: RunConfig): string {
  const r = validateConfig(config);
  if (!r.ok) throw new Error(`serializeConfig: invalid configuration: ${r.errors.map((e) => e.message).join('; ')}`);
  return JSON.stringify(r.config);
}
