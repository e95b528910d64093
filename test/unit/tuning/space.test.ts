import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  symmetricSpace, asymmetricSpace, validateSpace, assertValidSpace, SearchSpaceError, toUnit, fromUnit,
  gridValues, gridCandidates, defaultGridPoints, paramsFromUnit, unitFromParams, searchedDimensions,
} from '../../../src/core/tuning/space.ts';
import type { Dimension } from '../../../src/core/tuning/types.ts';

describe('search spaces (method.md §7 defaults)', () => {
  it('symmetric: λ log-uniform [1, 1000], κ² uniform [1, D]', () => {
    const s = symmetricSpace(17);
    expect(s.kind).toBe('symmetric');
    expect(s.dimensions).toEqual([
      { name: 'jumpPenalty', low: 1, high: 1000, log: true },
      { name: 'maxFeatures', low: 1, high: 17, log: false },
    ]);
    expect(validateSpace(s, 17)).toEqual([]);
  });

  it('asymmetric: λ_enter, λ_exit log-uniform [1, 1000]; κ² searched or fixed', () => {
    const s = asymmetricSpace(14);
    expect(s.dimensions.map((d) => d.name)).toEqual(['jumpPenaltyEnter', 'jumpPenaltyExit', 'maxFeatures']);
    expect(searchedDimensions(s)).toHaveLength(3);
    const fixed = asymmetricSpace(14, { maxFeatures: { fixed: 6 } });
    expect(searchedDimensions(fixed).map((d) => d.name)).toEqual(['jumpPenaltyEnter', 'jumpPenaltyExit']);
    expect(paramsFromUnit(fixed, [0, 1])).toEqual({ jumpPenaltyEnter: 1, jumpPenaltyExit: 1000, maxFeatures: 6 });
    expect(validateSpace(fixed, 14)).toEqual([]);
  });

  it('editable ranges are validated with messages that say what to do', () => {
    expect(validateSpace(symmetricSpace(17, { jumpPenalty: { low: 0 } }))[0]).toMatch(/log-scaled range needs low > 0/);
    expect(validateSpace(symmetricSpace(17, { jumpPenalty: { low: 50, high: 5 } }))[0]).toMatch(/low \(50\) must be below high \(5\)/);
    expect(validateSpace(symmetricSpace(17, { maxFeatures: { high: 20 } }), 17)[0]).toMatch(/κ² must be ≤ D = 17/);
    expect(validateSpace(symmetricSpace(17, { maxFeatures: { low: 0.5 } }), 17)[0]).toMatch(/κ² must be ≥ 1/);
    expect(validateSpace(symmetricSpace(17, { jumpPenalty: { low: -1, log: false } }))[0]).toMatch(/non-negative/);
    expect(validateSpace(symmetricSpace(17, { jumpPenalty: { fixed: 10 }, maxFeatures: { fixed: 3 } }))[0]).toMatch(/nothing to search/);
    expect(validateSpace({ kind: 'symmetric', dimensions: [{ name: 'jumpPenalty', low: 1, high: 10, log: true }] })[0]).toMatch(/maxFeatures is missing/);
    expect(validateSpace({ kind: 'symmetric', dimensions: [...symmetricSpace(5).dimensions, { name: 'jumpPenaltyExit', low: 1, high: 2, log: false }] })[0]).toMatch(/not a parameter of the symmetric model/);
    expect(() => assertValidSpace(symmetricSpace(17, { jumpPenalty: { low: 0 } }), 17, 'QUAL')).toThrow(SearchSpaceError);
    expect(() => assertValidSpace(symmetricSpace(17, { jumpPenalty: { low: 0 } }), 17, 'QUAL')).toThrow(/^QUAL, jumpPenalty/);
  });

  it('toUnit / fromUnit are inverse and stay within range (property)', () => {
    const arbDim = fc.record({
      low: fc.double({ min: 0.01, max: 100, noNaN: true }),
      span: fc.double({ min: 0.01, max: 1000, noNaN: true }),
      log: fc.boolean(),
    });
    fc.assert(fc.property(arbDim, fc.double({ min: 0, max: 1, noNaN: true }), ({ low, span, log }, u) => {
      const d: Dimension = { name: 'jumpPenalty', low, high: low + span, log };
      const v = fromUnit(d, u);
      expect(v).toBeGreaterThanOrEqual(d.low);
      expect(v).toBeLessThanOrEqual(d.high);
      expect(toUnit(d, v)).toBeCloseTo(u, 9);
    }));
  });

  it('integer dimensions round into the range', () => {
    const d: Dimension = { name: 'maxFeatures', low: 1.5, high: 9.5, log: false, integer: true };
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
      const v = fromUnit(d, u);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(2);
      expect(v).toBeLessThanOrEqual(9);
    }));
  });

  it('grid: log spacing where log, linear elsewhere, endpoints included', () => {
    const [lam, kap] = symmetricSpace(17).dimensions as [Dimension, Dimension];
    const g = gridValues(lam, 4);
    expect(g).toHaveLength(4);
    [1, 10, 100, 1000].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 9));
    expect(gridValues(kap, 5)).toEqual([1, 5, 9, 13, 17]);
    expect(gridValues({ ...kap, integer: true, high: 3 }, 5)).toEqual([1, 2, 3]); // duplicates dropped
    expect(gridValues({ ...kap, fixed: 4 }, 5)).toEqual([4]);
  });

  it('grid candidates: the Cartesian product, first dimension slowest, deterministic', () => {
    const s = symmetricSpace(17);
    const c = gridCandidates(s, { jumpPenalty: 3, maxFeatures: 2 });
    expect(c).toHaveLength(6);
    expect(c.map((p) => [Math.round(p.jumpPenalty! * 1e6) / 1e6, p.maxFeatures])).toEqual([
      [1, 1], [1, 17], [31.622777, 1], [31.622777, 17], [1000, 1], [1000, 17],
    ]);
    expect(gridCandidates(s, 7)).toEqual(gridCandidates(s, 7));
    expect(defaultGridPoints(s, 50)).toBe(7);
    expect(defaultGridPoints(s, 49)).toBe(7);
    expect(defaultGridPoints(s, 48)).toBe(6);
    expect(defaultGridPoints(asymmetricSpace(17), 50)).toBe(3);
    expect(defaultGridPoints(s, 2)).toBe(2);
  });

  it('unitFromParams inverts paramsFromUnit on the searched dimensions', () => {
    const s = asymmetricSpace(17);
    const u = [0.1, 0.5, 0.9];
    const back = unitFromParams(s, paramsFromUnit(s, u));
    u.forEach((x, i) => expect(back[i]).toBeCloseTo(x, 12));
  });
});
