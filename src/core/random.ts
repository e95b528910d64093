// The project's one seeded random number generator. Everything random in src/core takes a seed and
// draws from an `Rng` (conventions: "everything random takes a seed; the same config gives
// bit-identical results in node, a worker and a page").
//
// Why MT19937 and not something smaller: it is the generator behind NumPy's legacy
// `np.random.RandomState`, which is what the authors' `jumpmodels` library seeds with
// `random_state=0`. Matching its seeding and its draws bit for bit means `new Rng(s)` reproduces the
// reference's k-means++ starts for `random_state=s` exactly, so our fits can be compared to the
// reference start by start (method.md §3).
//
// Draw-for-draw equivalences with NumPy (verified in test/unit/regime/random.test.ts):
//   new Rng(s).next()        == RandomState(s).random_sample()
//   new Rng(s).int(n)        == RandomState(s).randint(n)            (n <= 2^32)
//   new Rng(s).normal()      == RandomState(s).standard_normal()
//   new Rng(s).choiceUniform(n) == RandomState(s).choice(n, p=np.ones(n)/n)

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class Rng {
  private readonly mt = new Uint32Array(N);
  private mti = N;
  private hasGauss = false;
  private gauss = 0;

  /** `seed` is an integer in [0, 2^32) (NumPy's legacy `RandomState(seed)` seeding). */
  constructor(seed = 0) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`Rng seed must be an integer in [0, 4294967295], got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, mod 2^32, without losing bits to double rounding.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  /** Next raw 32-bit unsigned integer (genrand_int32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (genrand_res53, NumPy `random_sample`). */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Uniform integer in [0, n), unbiased (NumPy legacy `randint(n)`: masked rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError(`Rng.int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    const rng = n - 1;
    if (rng === 0) return 0;
    // smallest 2^k - 1 >= rng
    let mask = rng;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const v = (this.nextUint32() & mask) >>> 0;
      if (v <= rng) return v;
    }
  }

  /** Standard normal draw (NumPy legacy `standard_normal`: Marsaglia polar method, pairs cached). */
  normal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1 = 0, x2 = 0, r2 = 0;
    do {
      x1 = 2.0 * this.next() - 1.0;
      x2 = 2.0 * this.next() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * An index drawn uniformly from [0, n) the way NumPy's `RandomState.choice(n, p=ones(n)/n)` does
   * it (one `random_sample`, then a right-sided search in the normalised cumulative sum). This is
   * how scikit-learn >= 1.3 picks the first k-means++ centre; it differs from `int(n)`.
   */
  choiceUniform(n: number): number {
    const u = this.next();
    const p = 1 / n;
    // cdf_i = (p + p + ... + p) (i+1 terms, summed left to right) / cdf_{n-1}; find first cdf_i > u.
    let total = 0;
    for (let i = 0; i < n; i++) total += p;
    let c = 0;
    for (let i = 0; i < n; i++) {
      c += p;
      if (c / total > u) return i;
    }
    return n - 1;
  }
}
