// The weights typed on the Today screen: each field a percent as the app reads percents; a comma
// decimal ("98,5", typed on a keypad with a comma key) is refused with a message, not read as 98.
import { describe, it, expect } from 'vitest';
import { typedWeights } from '../../../src/app/today/holdings.ts';

const T = ['SPY', 'QUAL', 'MTUM'];

describe('typed current weights', () => {
  it('percent fields become weights; empty fields are 0; nothing typed is no holdings', () => {
    expect(typedWeights({}, T)).toEqual({ holdings: null, error: null });
    expect(typedWeights({ SPY: '  ', QUAL: '' }, T)).toEqual({ holdings: null, error: null });
    expect(typedWeights({ SPY: '60', QUAL: '25.5 %', MTUM: '' }, T)).toEqual({ holdings: { kind: 'weights', weights: { SPY: 0.6, QUAL: 0.255, MTUM: 0 } }, error: null });
    expect(typedWeights({ SPY: '100' }, T).holdings).toEqual({ kind: 'weights', weights: { SPY: 1, QUAL: 0, MTUM: 0 } });
  });

  it('a comma decimal is refused with the asset and what to type, not cut at the comma', () => {
    for (const bad of ['98,5', '0,5', '1,0']) {
      const r = typedWeights({ SPY: bad, QUAL: '1,0' }, T);
      expect(r.holdings).toBeNull();
      expect(r.error).toContain(`The current weight of SPY, “${bad}”, is not a percent`);
      expect(r.error).toContain('The current weight of QUAL, “1,0”, is not a percent');
      expect(r.error).toContain('with a point for decimals, not a comma');
    }
  });

  it('text and negative weights are refused', () => {
    expect(typedWeights({ SPY: 'sixty' }, T).error).toMatch(/SPY, “sixty”, is not a percent: type a number such as 25 or 12\.5/);
    expect(typedWeights({ MTUM: '-5' }, T).error).toMatch(/MTUM, “-5”, is negative/);
  });
});
