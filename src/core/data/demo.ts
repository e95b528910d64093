// The demo data set: simulated, seeded daily prices for the default universe — SPY, the six
// factor ETFs, VIX and the 2- and 10-year yields — so the app works on first open without anyone's
// data, and so a person sees what files the importer expects (panelToCsvFiles).
//
// The model, per business day t (dt = 1/252):
//   market regime m_t ∈ {calm, crisis}: a Markov chain, mean durations 3 years and 4 months;
//     r_m = μ_m dt + σ_m √dt ε  with (μ, σ) = (12 %, 13 %) calm, (−25 %, 34 %) crisis → ≈ 16 %/yr overall.
//   factor f: its own active regime a_t ∈ {bull, bear} (mean durations ~8 and ~5 months), and
//     active return a = (β_f − 1) r_m + μ_f,a dt + s_f,a √dt ε_f   (idiosyncratic vol × 1.5 in a crisis),
//     r_f = r_m + a. Active volatility lands in 2-8 %/yr; bull/bear means differ in sign, so a
//     regime model has something persistent to find (method.md §3).
//   VIX: log VIX mean-reverts (half-life ~3 weeks) to ln 15 when calm and ln 32 in a crisis, and jumps
//     against the market (−4 × r_m), so it bursts in crises and decays after.
//   2-year yield: a square-root (CIR) process around 2.5 % (positive, a few bp a day), falling in crises
//     (rate cuts); 10-year = 2-year + an Ornstein-Uhlenbeck term spread whose mean 2.2 − 0.35 × 2-year
//     is steep at low rates and flat or inverted at high ones.
// Prices are rounded to 4 decimals and levels to 2, as sources publish them, so the CSV files hold
// exactly the panel's values.
import type { AssetRole, Panel, PanelSeries } from './panel.ts';
import { DEFAULT_ENVIRONMENT, DEFAULT_FACTORS, DEFAULT_MARKET } from './panel.ts';
import { Rng } from '../random.ts';
import { dayFromIso, civilFromDays, isoFromDay, weekday } from './dates.ts';

export const DEMO_DATASET_NAME = 'Demo (simulated)';
export const DEMO_SEED = 42;

export interface DemoOptions {
  /** First calendar date (ISO); the first business day on or after it starts the panel. Default 2004-01-02. */
  start?: string;
  /** Last calendar date (ISO). Default 2025-12-31. */
  end?: string;
}

export interface DemoSimulation {
  panel: Panel;
  /** Per date: 0 calm, 1 crisis. */
  marketRegime: Uint8Array;
  /** Per factor ticker, per date: 0 bull (beats the market in expectation), 1 bear. */
  factorRegimes: Record<string, Uint8Array>;
}

interface FactorSpec { beta: number; bull: number; bear: number; vol: number; start: number; bullDays: number; bearDays: number }

/** Per factor: market beta, active drift in bull/bear (per year), idiosyncratic vol (per year), start price, mean regime durations. */
const FACTORS: Record<string, FactorSpec> = {
  QUAL: { beta: 0.95, bull: 0.04, bear: -0.04, vol: 0.025, start: 50, bullDays: 180, bearDays: 110 },
  MTUM: { beta: 1.0, bull: 0.07, bear: -0.08, vol: 0.05, start: 50, bullDays: 160, bearDays: 100 },
  USMV: { beta: 0.75, bull: 0.05, bear: -0.05, vol: 0.03, start: 25, bullDays: 170, bearDays: 120 },
  VLUE: { beta: 1.05, bull: 0.05, bear: -0.06, vol: 0.04, start: 45, bullDays: 150, bearDays: 130 },
  SIZE: { beta: 1.05, bull: 0.04, bear: -0.05, vol: 0.035, start: 40, bullDays: 160, bearDays: 120 },
  IWF: { beta: 1.05, bull: 0.05, bear: -0.05, vol: 0.03, start: 30, bullDays: 170, bearDays: 110 },
};

const CALM = { mu: 0.12, vol: 0.13, days: 750 };
const CRISIS = { mu: -0.25, vol: 0.34, days: 85 };
const LOG_VIX_MIN = Math.log(9), LOG_VIX_MAX = Math.log(90);

/** US business days: weekdays except New Year's Day, Independence Day, Thanksgiving and Christmas. */
export function businessDays(startIso: string, endIso: string): Int32Array {
  const a = dayFromIso(startIso), b = dayFromIso(endIso);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) throw new RangeError(`demo range ${startIso} … ${endIso} is not a valid pair of ISO dates`);
  const out: number[] = [];
  const ymd = new Int32Array(3);
  for (let z = a; z <= b; z++) {
    const wd = weekday(z);
    if (wd === 0 || wd === 6) continue;
    civilFromDays(z, ymd);
    const m = ymd[1]!, d = ymd[2]!;
    if ((m === 1 && d === 1) || (m === 7 && d === 4) || (m === 12 && d === 25)) continue;
    if (m === 11 && wd === 4 && d >= 22 && d <= 28) continue; // fourth Thursday of November
    out.push(z);
  }
  return Int32Array.from(out);
}

const round = (x: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

/** The simulation with its hidden regimes (for tests and for explaining the demo). */
export function simulateDemo(seed: number = DEMO_SEED, opts: DemoOptions = {}): DemoSimulation {
  const rng = new Rng(seed >>> 0);
  const days = businessDays(opts.start ?? '2004-01-02', opts.end ?? '2025-12-31');
  const n = days.length;
  const dt = 1 / 252, sdt = Math.sqrt(dt);
  const factorTickers = [...DEFAULT_FACTORS];
  const nf = factorTickers.length;

  const marketRegime = new Uint8Array(n);
  const factorRegime = factorTickers.map(() => new Uint8Array(n));
  const spy = new Float64Array(n), vix = new Float64Array(n), y2 = new Float64Array(n), y10 = new Float64Array(n);
  const fac = factorTickers.map(() => new Float64Array(n));

  // State. Unrounded levels carry the simulation; rounded copies are what the panel holds.
  let mState = 0;
  const fState: number[] = factorTickers.map(() => (rng.next() < 0.6 ? 0 : 1));
  let pm = 100;
  const pf = factorTickers.map((t) => FACTORS[t]!.start);
  let logVix = Math.log(16), r2 = 1.8, spread = 2.2;

  for (let t = 0; t < n; t++) {
    if (t > 0) {
      // Regime transitions: leave a state with probability 1 / (mean duration).
      const mDays = mState === 0 ? CALM.days : CRISIS.days;
      if (rng.next() < 1 / mDays) mState = 1 - mState;
      for (let k = 0; k < nf; k++) {
        const spec = FACTORS[factorTickers[k]!]!;
        if (rng.next() < 1 / (fState[k] === 0 ? spec.bullDays : spec.bearDays)) fState[k] = 1 - fState[k]!;
      }
      const reg = mState === 0 ? CALM : CRISIS;
      const rm = reg.mu * dt + reg.vol * sdt * rng.normal();
      pm *= 1 + rm;
      for (let k = 0; k < nf; k++) {
        const spec = FACTORS[factorTickers[k]!]!;
        const bear = fState[k] === 1;
        const idio = spec.vol * (bear ? 1.4 : 1) * (mState === 1 ? 1.5 : 1);
        const active = (spec.beta - 1) * rm + (bear ? spec.bear : spec.bull) * dt + idio * sdt * rng.normal();
        pf[k] = pf[k]! * (1 + rm + active);
      }
      // VIX: mean-reverting log level, pushed up when the market falls.
      const target = Math.log(mState === 0 ? 15 : 32);
      logVix += 0.035 * (target - logVix) + 0.045 * rng.normal() - 4 * rm;
      // Reflect at 9 and 90 (VIX's historical floor and ceiling) instead of sticking to them.
      if (logVix < LOG_VIX_MIN) logVix = 2 * LOG_VIX_MIN - logVix;
      if (logVix > LOG_VIX_MAX) logVix = 2 * LOG_VIX_MAX - logVix;
      // 2-year: CIR around 2.5 %; rate cuts in a crisis. 10-year: 2-year + OU spread.
      const floor = 0.02;
      r2 += 0.2 * (2.5 - r2) * dt + 0.5 * Math.sqrt(Math.max(r2, floor)) * sdt * rng.normal() - (mState === 1 ? 0.015 : 0);
      if (r2 < floor) r2 = floor + (floor - r2) * 0.5;
      // The curve is steep when short rates are low and flat or inverted when they are high.
      spread += 0.5 * (2.2 - 0.35 * r2 - spread) * dt + 0.5 * sdt * rng.normal() + (mState === 1 ? 0.008 : 0);
    }
    marketRegime[t] = mState;
    spy[t] = round(pm, 4);
    for (let k = 0; k < nf; k++) { factorRegime[k]![t] = fState[k]!; fac[k]![t] = round(pf[k]!, 4); }
    vix[t] = round(Math.exp(logVix), 2);
    y2[t] = round(r2, 2);
    y10[t] = round(Math.max(0.1, r2 + spread), 2);
  }

  const mk = (ticker: string, role: AssetRole, kind: 'price' | 'level', values: Float64Array): PanelSeries => ({ ticker, role, kind, values });
  const series: PanelSeries[] = [mk(DEFAULT_MARKET, 'market', 'price', spy)];
  factorTickers.forEach((t, k) => series.push(mk(t, 'factor', 'price', fac[k]!)));
  const env: Record<string, Float64Array> = { VIX: vix, DGS2: y2, DGS10: y10 };
  for (const t of DEFAULT_ENVIRONMENT) series.push(mk(t, 'environment', 'level', env[t]!));
  const dates = Array.from(days, isoFromDay);
  const factorRegimes: Record<string, Uint8Array> = {};
  factorTickers.forEach((t, k) => { factorRegimes[t] = factorRegime[k]!; });
  return { panel: { dates, series }, marketRegime, factorRegimes };
}

/** The demo panel: deterministic for a seed, in node, workers and pages alike. */
export function generateDemoPanel(seed: number = DEMO_SEED, opts: DemoOptions = {}): Panel {
  return simulateDemo(seed, opts).panel;
}

/** FRED series id under which an environment level is written (VIX → VIXCLS, like FRED's file). */
function fredId(ticker: string): string {
  return ticker === 'VIX' ? 'VIXCLS' : ticker;
}

/**
 * The panel as the files a person would bring: one Yahoo-style `Date,Adj Close` CSV per price
 * series and one FRED-style `DATE,<id>` CSV per level series (VIX as VIXCLS, '.' for no value).
 * Importing them gives back the same panel (same dates, tickers, kinds and values) under default
 * roles.
 */
export function panelToCsvFiles(panel: Panel): { name: string; text: string }[] {
  return panel.series.map((s) => {
    const level = s.kind === 'level';
    const id = level ? fredId(s.ticker) : s.ticker;
    const lines: string[] = [level ? `DATE,${id}` : 'Date,Adj Close'];
    for (let i = 0; i < panel.dates.length; i++) {
      const v = s.values[i]!;
      lines.push(`${panel.dates[i]},${Number.isNaN(v) ? (level ? '.' : 'null') : String(v)}`);
    }
    return { name: `${id}.csv`, text: `${lines.join('\n')}\n` };
  });
}
