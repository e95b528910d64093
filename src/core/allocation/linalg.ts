// Tiny dense linear algebra for the allocation kernels (n ≤ a few dozen): Cholesky factorisation
// and solves on flat row-major Float64Arrays, writing into caller-provided workspaces so that the
// daily loop of the backtest allocates nothing. ml-matrix would do the same with object overhead
// per call; these systems are 6×6 and 7×7 and are solved ~10⁵ times per backtest.

/**
 * In-place Cholesky A = L Lᵀ of the m×m block stored row-major with row stride `ld` at `a`.
 * Only the lower triangle is read and L overwrites it. Returns false when a pivot is not
 * positive (relative to the largest diagonal entry), i.e. A is not numerically positive definite.
 */
export function cholesky(a: Float64Array, m: number, ld: number): boolean {
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * ld + i]!));
  const floor = maxDiag * 1e-14;
  for (let j = 0; j < m; j++) {
    const rj = j * ld;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > floor)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * ld;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/** Solve L Lᵀ x = b in place (b → x) with the factor from `cholesky`. */
export function choleskySolve(l: Float64Array, m: number, ld: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * ld;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * ld + i]! * b[k]!;
    b[i] = s / l[i * ld + i]!;
  }
}

/** out = A x for an n×n row-major A. */
export function matVec(A: Float64Array, x: ArrayLike<number>, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += A[r + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

/** xᵀ A x for an n×n row-major A. */
export function quadForm(A: Float64Array, x: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let t = 0;
    for (let j = 0; j < n; j++) t += A[r + j]! * x[j]!;
    s += x[i]! * t;
  }
  return s;
}
