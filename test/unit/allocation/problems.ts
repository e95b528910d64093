// Random mean-variance problems shared by the allocation tests (seeded, reproducible).

/** Σ = AAᵀ/m + εI from a random A: symmetric positive definite, correlated like asset returns. */
export function randomProblem(n: number, seed: number) {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const m = n + 3;
  const A = Array.from({ length: n * m }, () => (u() - 0.5) * 0.4);
  const Sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = 0;
    for (let k = 0; k < m; k++) v += A[i * m + k]! * A[j * m + k]!;
    Sigma[i * n + j] = v / m + (i === j ? 1e-4 : 0);
  }
  const mu = Float64Array.from({ length: n }, () => (u() - 0.4) * 0.3);
  const delta = 0.5 + u() * 5;
  return { Sigma, mu, delta, u };
}
