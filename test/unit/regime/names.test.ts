// The state names every screen and the signal use (core regime/names.ts): bull (0) … bear (K − 1).
import { describe, it, expect } from 'vitest';
import { stateName } from '../../../src/core/regime/names.ts';

describe('state names', () => {
  it('Bull and Bear at the ends, Neutral in the middle of three, else State s+1', () => {
    expect([0, 1].map((s) => stateName(s, 2))).toEqual(['Bull', 'Bear']);
    expect([0, 1, 2].map((s) => stateName(s, 3))).toEqual(['Bull', 'Neutral', 'Bear']);
    expect([0, 1, 2, 3].map((s) => stateName(s, 4))).toEqual(['Bull', 'State 2', 'State 3', 'Bear']);
  });
});
