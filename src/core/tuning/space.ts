// Search spaces per factor (method.md §7): λ log-uniform on [1, 1000] and κ² uniform on [1, D] for
// the symmetric model; λ_enter (bull→bear) and λ_exit (bear→bull) log-uniform on [1, 1000] with κ²
// fixed or searched for the asymmetric one. Ranges are editable and validated here; samplers work in
// the unit cube of the searched dimensions (log-transformed where `log`), see toUnit / fromUnit.
import type { CandidateParams, Dimension, ParamName, SearchSpace } from './types.ts';

/** method.md §7: λ default range, log-uniform. */
export const DEFAULT_JUMP_PENALTY_RANGE: readonly [number, number] = [1, 1000];

export class SearchSpaceError extends Error {}

type DimensionEdit = Partial<Omit<Dimension, 'name'>>;

function dim(name: ParamName, base: Omit<Dimension, 'name'>, edit?: DimensionEdit): Dimension {
  const d: Dimension = { name, ...base, ...edit };
  if (d.fixed === undefined) delete d.fixed;
  if (!d.integer) delete d.integer;
  return d;
}

/**
 * The symmetric space {jumpPenalty: log-uniform [1, 1000], maxFeatures κ²: uniform [1, D]}.
 * `nFeatures` is D, the number of features of the factor's model (17 with the environment series,
 * 14 without; method.md §2). Pass edits to change a range, e.g. `{ maxFeatures: { fixed: 7 } }`.
 */
export function symmetricSpace(
  nFeatures: number,
  edits: { jumpPenalty?: DimensionEdit; maxFeatures?: DimensionEdit } = {},
): SearchSpace {
  const [lo, hi] = DEFAULT_JUMP_PENALTY_RANGE;
  return {
    kind: 'symmetric',
    dimensions: [
      dim('jumpPenalty', { low: lo, high: hi, log: true }, edits.jumpPenalty),
      dim('maxFeatures', { low: 1, high: nFeatures, log: false }, edits.maxFeatures),
    ],
  };
}

/**
 * The asymmetric space {jumpPenaltyEnter, jumpPenaltyExit: log-uniform [1, 1000], maxFeatures κ²}.
 * κ² is searched on [1, D] unless `edits.maxFeatures.fixed` is set.
 */
export function asymmetricSpace(
  nFeatures: number,
  edits: { jumpPenaltyEnter?: DimensionEdit; jumpPenaltyExit?: DimensionEdit; maxFeatures?: DimensionEdit } = {},
): SearchSpace {
  const [lo, hi] = DEFAULT_JUMP_PENALTY_RANGE;
  return {
    kind: 'asymmetric',
    dimensions: [
      dim('jumpPenaltyEnter', { low: lo, high: hi, log: true }, edits.jumpPenaltyEnter),
      dim('jumpPenaltyExit', { low: lo, high: hi, log: true }, edits.jumpPenaltyExit),
      dim('maxFeatures', { low: 1, high: nFeatures, log: false }, edits.maxFeatures),
    ],
  };
}

const REQUIRED: Record<SearchSpace['kind'], ParamName[]> = {
  symmetric: ['jumpPenalty', 'maxFeatures'],
  asymmetric: ['jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures'],
};

/**
 * Every problem with a space, as messages that say what, where and what to do; empty when valid.
 * `nFeatures` (D) bounds κ² to [1, D] (method.md §4) when given; `where` prefixes each message.
 */
export function validateSpace(space: SearchSpace, nFeatures?: number, where = 'search space'): string[] {
  const errors: string[] = [];
  if (space.kind !== 'symmetric' && space.kind !== 'asymmetric') {
    return [`${where}: kind "${String(space.kind)}" is unknown — use "symmetric" or "asymmetric"`];
  }
  const required = REQUIRED[space.kind];
  const seen = new Set<string>();
  for (const d of space.dimensions) {
    const at = `${where}, ${d.name}`;
    if (!required.includes(d.name)) {
      errors.push(`${at}: not a parameter of the ${space.kind} model — use ${required.join(', ')}`);
      continue;
    }
    if (seen.has(d.name)) errors.push(`${at}: listed twice — keep one`);
    seen.add(d.name);
    if (!Number.isFinite(d.low) || !Number.isFinite(d.high)) {
      errors.push(`${at}: range [${d.low}, ${d.high}] must be finite numbers`);
      continue;
    }
    if (d.fixed === undefined && !(d.low < d.high)) {
      errors.push(`${at}: low (${d.low}) must be below high (${d.high}) — or fix the parameter to one value`);
    }
    if (d.log && d.low <= 0) {
      errors.push(`${at}: a log-scaled range needs low > 0, got ${d.low} — raise low (e.g. to 1) or turn log off`);
    }
    if (d.integer && Math.ceil(d.low) > Math.floor(d.high)) {
      errors.push(`${at}: no whole number lies in [${d.low}, ${d.high}] — widen the range or turn integer off`);
    }
    const isPenalty = d.name !== 'maxFeatures';
    if (isPenalty && d.low < 0) {
      errors.push(`${at}: jump penalties are non-negative (method.md §3), got low ${d.low} — raise low to 0 or more`);
    }
    if (d.fixed !== undefined) {
      if (!Number.isFinite(d.fixed)) errors.push(`${at}: fixed value ${d.fixed} must be a finite number`);
      else if (isPenalty && d.fixed < 0) errors.push(`${at}: fixed jump penalty ${d.fixed} must be ≥ 0 (method.md §3)`);
    }
    if (!isPenalty) {
      // κ² is the effective number of features: 1 ≤ κ² ≤ D (method.md §4).
      const hi = nFeatures ?? Infinity;
      const lo = d.fixed ?? d.low;
      const top = d.fixed ?? d.high;
      if (lo < 1) errors.push(`${at}: κ² must be ≥ 1 (method.md §4), got ${lo} — raise it to 1 or more`);
      if (top > hi) errors.push(`${at}: κ² must be ≤ D = ${hi} features (method.md §4), got ${top} — lower it to ${hi} or less`);
    }
  }
  for (const name of required) {
    if (!seen.has(name)) errors.push(`${where}: ${name} is missing — the ${space.kind} model needs ${required.join(', ')}`);
  }
  if (errors.length === 0 && searchedDimensions(space).length === 0) {
    errors.push(`${where}: every parameter is fixed, nothing to search — unfix at least one`);
  }
  return errors;
}

/** Throws a SearchSpaceError listing every problem when the space is not valid. */
export function assertValidSpace(space: SearchSpace, nFeatures?: number, where = 'search space'): void {
  const errors = validateSpace(space, nFeatures, where);
  if (errors.length) throw new SearchSpaceError(errors.join('\n'));
}

/** The dimensions that are searched (not fixed), in the space's order. */
export function searchedDimensions(space: SearchSpace): Dimension[] {
  return space.dimensions.filter((d) => d.fixed === undefined);
}

/** Value → unit interval [0, 1] (log-transformed where `log`); clamped. */
export function toUnit(d: Dimension, value: number): number {
  const u = d.log
    ? (Math.log(value) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low))
    : (value - d.low) / (d.high - d.low);
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

/** Unit interval → value, the inverse of toUnit; integer dimensions are rounded into the range. */
export function fromUnit(d: Dimension, u: number): number {
  const c = u < 0 ? 0 : u > 1 ? 1 : u;
  // The ends exactly (a grid shows λ = 1000, not 999.9999999999998).
  let v = c === 0 ? d.low : c === 1 ? d.high : d.log
    ? Math.exp(Math.log(d.low) + c * (Math.log(d.high) - Math.log(d.low)))
    : d.low + c * (d.high - d.low);
  // exp(log(x)) can drift by an ulp past the ends: keep values inside the stated range.
  if (v < d.low) v = d.low;
  if (v > d.high) v = d.high;
  if (d.integer) v = Math.min(Math.floor(d.high), Math.max(Math.ceil(d.low), Math.round(v)));
  return v;
}

/** A complete candidate from unit coordinates of the searched dimensions (fixed ones added). */
export function paramsFromUnit(space: SearchSpace, unit: ArrayLike<number>): CandidateParams {
  const params: CandidateParams = {};
  let k = 0;
  for (const d of space.dimensions) {
    params[d.name] = d.fixed !== undefined ? d.fixed : fromUnit(d, unit[k++]!);
  }
  return params;
}

/** Unit coordinates of a candidate's searched dimensions (writes into `out` when given). */
export function unitFromParams(space: SearchSpace, params: CandidateParams, out?: Float64Array): Float64Array {
  const dims = searchedDimensions(space);
  const u = out ?? new Float64Array(dims.length);
  for (let k = 0; k < dims.length; k++) {
    const d = dims[k]!;
    const v = params[d.name];
    if (v === undefined) throw new SearchSpaceError(`candidate is missing ${d.name}`);
    u[k] = toUnit(d, v);
  }
  return u;
}

/**
 * The n grid values of one dimension: n points from low to high inclusive, log-spaced where `log`
 * (so [1, 1000] with n = 4 gives 1, 10, 100, 1000). Integer dimensions are rounded and duplicates
 * dropped, so they have at most high − low + 1 values. A fixed dimension has its one value.
 */
export function gridValues(d: Dimension, n: number): number[] {
  if (d.fixed !== undefined) return [d.fixed];
  if (!Number.isInteger(n) || n < 1) throw new SearchSpaceError(`grid for ${d.name}: points per dimension must be a whole number ≥ 1, got ${n}`);
  if (n === 1) return [fromUnit(d, 0.5)];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = fromUnit(d, i / (n - 1));
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** Points per searched dimension for a grid of about nTrials points: ⌊nTrials^(1/d)⌋, at least 2. */
export function defaultGridPoints(space: SearchSpace, nTrials: number): number {
  const d = searchedDimensions(space).length;
  let n = Math.max(2, Math.floor(Math.pow(nTrials, 1 / d) + 1e-9));
  // Guard the floating root: the largest n with n^d <= nTrials (when n^d would exceed it).
  while (n > 2 && Math.pow(n, d) > nTrials) n--;
  return n;
}

/**
 * The full grid as candidates, in a fixed order: the first dimension varies slowest. `points` is the
 * number of points per searched dimension (one number for all, or per name; missing names use
 * `fallback`).
 */
export function gridCandidates(
  space: SearchSpace,
  points: number | Partial<Record<ParamName, number>>,
  fallback = 5,
): CandidateParams[] {
  const axes = space.dimensions.map((d) => {
    const n = typeof points === 'number' ? points : (points[d.name] ?? fallback);
    return gridValues(d, n);
  });
  const total = axes.reduce((p, a) => p * a.length, 1);
  const out: CandidateParams[] = new Array(total);
  for (let i = 0; i < total; i++) {
    const index = new Array<number>(axes.length);
    let rest = i;
    for (let k = axes.length - 1; k >= 0; k--) {
      const len = axes[k]!.length;
      index[k] = rest % len;
      rest = Math.floor(rest / len);
    }
    const params: CandidateParams = {};
    for (let k = 0; k < axes.length; k++) params[space.dimensions[k]!.name] = axes[k]![index[k]!]!;
    out[i] = params;
  }
  return out;
}
