// Types for the `quadprog` package (a JavaScript port of R's quadprog, Goldfarb-Idnani dual
// method). It ships no types. Arrays are 1-based (index 0 unused), as in the Fortran original.
declare module 'quadprog' {
  export interface QuadprogResult {
    /** 1-based solution vector. */
    solution: number[];
    /** 1-based Lagrange multipliers, one per constraint column of Amat. */
    Lagrangian: number[];
    /** value[1] = ½ bᵀDb − dᵀb at the solution. */
    value: number[];
    unconstrained_solution: number[];
    iterations: number[];
    /** 1-based indices of the active constraints. */
    iact: number[];
    /** Empty on success, else why it failed. */
    message: string;
  }
  /**
   * Minimise ½ bᵀ D b − dᵀ b subject to Aᵀ b ≥ b0, the first `meq` constraints as equalities.
   * Dmat is n×n, Amat is n×q (constraints are columns), all 1-based. Dmat and dvec are overwritten.
   */
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number, factorized?: number[]): QuadprogResult;
  const quadprog: { solveQP: typeof solveQP };
  export default quadprog;
}
