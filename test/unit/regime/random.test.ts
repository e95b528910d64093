// The seeded generator (src/core/random.ts) against NumPy's legacy RandomState. Expected values were
// printed by numpy 2.4.6: np.random.RandomState(seed).random_sample / randint / standard_normal /
// choice(n, p=ones(n)/n). Matching them is what lets seed s reproduce jumpmodels' random_state=s.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/core/random.ts';

const draws = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

describe('Rng (MT19937, NumPy-compatible)', () => {
  it('next() equals RandomState(seed).random_sample()', () => {
    const r0 = new Rng(0);
    expect(draws(5, () => r0.next())).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047]);
    const rMax = new Rng(4294967295);
    expect(draws(3, () => rMax.next())).toEqual([0.0976320289940138, 0.9123828453026218, 0.78903530185164]);
    // past the first 624-word block (the state is regenerated)
    const r123 = new Rng(123);
    expect(draws(700, () => r123.next()).slice(-3)).toEqual([0.2198359500012872, 0.6116713771751028, 0.8475023105281434]);
  });
  it('int(n) equals randint(n)', () => {
    const a = new Rng(12345), b = new Rng(1), c = new Rng(2);
    expect(draws(5, () => a.int(1000))).toEqual([482, 485, 285, 129, 420]);
    expect(draws(8, () => b.int(3))).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    expect(draws(3, () => c.int(4294967296))).toEqual([1872583848, 794921487, 111352301]);
  });
  it('normal() equals standard_normal()', () => {
    const r = new Rng(7);
    expect(draws(5, () => r.normal())).toEqual([1.690525703800356, -0.4659373705408328, 0.0328201636785844, 0.40751628299650783, -0.7889230286257386]);
  });
  it('choiceUniform(n) equals choice(n, p=ones(n)/n)', () => {
    const r = new Rng(0), s = new Rng(3);
    expect(draws(5, () => r.choiceUniform(1000))).toEqual([548, 715, 602, 544, 423]);
    expect(draws(8, () => s.choiceUniform(7))).toEqual([3, 4, 2, 3, 6, 6, 0, 1]);
  });
  it('stays in range and is reproducible (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 1e9 }), (seed, n) => {
      const a = new Rng(seed), b = new Rng(seed);
      for (let i = 0; i < 20; i++) {
        const u = a.next();
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
        expect(b.next()).toBe(u);
        const k = a.int(n);
        expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        expect(b.int(n)).toBe(k);
      }
    }), { numRuns: 100 });
  });
  it('rejects seeds outside [0, 2^32)', () => {
    expect(() => new Rng(-1)).toThrow(/seed/);
    expect(() => new Rng(1.5)).toThrow(/seed/);
    expect(() => new Rng(2 ** 32)).toThrow(/seed/);
  });
});
