// Per-factor regime statistics (the Regimes screen): switches per year,
// per-state active-return statistics, durations and the transition matrix, and the single-factor
// long-short diagnostic of method.md §6. Labels are small integers 0 … K−1 (0 = bull, K−1 = bear,
// method.md §3); a negative label means "no label" (warm-up rows, days before the first fit) and
// is skipped — never counted as state 0 (method.md §11).

/**
 * Regime switches per year: the number of consecutive labelled day pairs whose labels differ,
 * divided by (labelled days / 252). Pairs across an unlabelled gap do not count. null with fewer
 * than 2 labelled days.
 */
export function regimeSwitchesPerYear(labels: ArrayLike<number>, periodsPerYear = 252): number | null {
  let switches = 0, labelled = 0;
  for (let t = 0; t < labels.length; t++) {
    const l = labels[t]!;
    if (!(l >= 0)) continue;
    labelled++;
    if (t > 0 && labels[t - 1]! >= 0 && labels[t - 1] !== l) switches++;
  }
  return labelled >= 2 ? switches / (labelled / periodsPerYear) : null;
}

export interface RegimeStateStats {
  state: number;
  /** Labelled days in this state. */
  days: number;
  /** days / all labelled days. */
  share: number;
  /** 252·mean(a) over the state's days (annualised mean active return). */
  meanActiveReturn: number | null;
  /** std(a)·√252 over the state's days. */
  activeVolatility: number | null;
  /** meanActiveReturn / activeVolatility. */
  informationRatio: number | null;
  /** Number of separate spells in this state. */
  spells: number;
  /** Average spell length, days. */
  averageDuration: number | null;
}

export interface RegimeStatistics {
  k: number;
  labelledDays: number;
  switchesPerYear: number | null;
  states: RegimeStateStats[];
  /** K×K counts of day-to-day moves (row = from, column = to), consecutive labelled days only. */
  transitionCounts: number[][];
  /** Row-normalised transition probabilities (null rows when a state was never left nor stayed in). */
  transitionMatrix: (number[] | null)[];
}

/**
 * Statistics of a label series against the factor's daily active returns a_t = r_f − r_m
 * (aligned, same length). Days with a negative label or a non-finite active return are skipped.
 */
export function regimeStatistics(labels: ArrayLike<number>, activeReturns: ArrayLike<number>, k: number, periodsPerYear = 252): RegimeStatistics {
  const T = labels.length;
  if (activeReturns.length !== T) throw new RangeError(`regimeStatistics: ${T} labels but ${activeReturns.length} active returns`);
  const cnt = new Float64Array(k), sum = new Float64Array(k), spells = new Float64Array(k);
  const trans = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let labelled = 0;
  for (let t = 0; t < T; t++) {
    const l = labels[t]!;
    if (!(l >= 0 && l < k) || !Number.isFinite(activeReturns[t]!)) continue;
    cnt[l] = cnt[l]! + 1; sum[l] = sum[l]! + activeReturns[t]!; labelled++;
    const p = t > 0 ? labels[t - 1]! : -1;
    const prevOk = p >= 0 && p < k && Number.isFinite(activeReturns[t - 1]!);
    if (prevOk) trans[p]![l]!++;
    if (!prevOk || p !== l) spells[l] = spells[l]! + 1;
  }
  const ss = new Float64Array(k);
  for (let t = 0; t < T; t++) {
    const l = labels[t]!;
    if (!(l >= 0 && l < k) || !Number.isFinite(activeReturns[t]!)) continue;
    const d = activeReturns[t]! - sum[l]! / cnt[l]!;
    ss[l] = ss[l]! + d * d;
  }
  const states: RegimeStateStats[] = [];
  for (let s = 0; s < k; s++) {
    const n = cnt[s]!;
    const mean = n ? (periodsPerYear * sum[s]!) / n : NaN;
    const vol = n > 1 ? Math.sqrt(ss[s]! / (n - 1)) * Math.sqrt(periodsPerYear) : NaN;
    states.push({
      state: s, days: n, share: labelled ? n / labelled : 0,
      meanActiveReturn: Number.isFinite(mean) ? mean : null,
      activeVolatility: Number.isFinite(vol) ? vol : null,
      informationRatio: vol > 0 ? mean / vol : null,
      spells: spells[s]!,
      averageDuration: spells[s]! ? n / spells[s]! : null,
    });
  }
  const matrix = trans.map((row) => {
    const tot = row.reduce((a, b) => a + b, 0);
    return tot ? row.map((x) => x / tot) : null;
  });
  return { k, labelledDays: labelled, switchesPerYear: regimeSwitchesPerYear(labels, periodsPerYear), states, transitionCounts: trans, transitionMatrix: matrix };
}

/** Single-factor long-short position clip(μ_state / scale, −1, 1) in (factor − market), method.md §6. */
export function longShortPosition(expectedActiveReturn: number, scale = 0.05): number {
  if (!Number.isFinite(expectedActiveReturn)) return NaN;
  return Math.max(-1, Math.min(1, expectedActiveReturn / scale));
}

/**
 * Long-short returns position_t × a_t; `positions[t]` must already be the position held over day t
 * (decided from information up to t−2, method.md §6 timing). NaN where the position is NaN.
 */
export function longShortReturns(positions: ArrayLike<number>, activeReturns: ArrayLike<number>): Float64Array {
  const T = positions.length;
  if (activeReturns.length !== T) throw new RangeError(`longShortReturns: ${T} positions but ${activeReturns.length} active returns`);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = positions[t]! * activeReturns[t]!;
  return out;
}
