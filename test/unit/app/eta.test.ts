// The run bar's time-left estimate (src/app/run/eta.ts): from the pace of the last 15 s, smoothed.
import { describe, it, expect } from 'vitest';
import { RemainingTime } from '../../../src/app/run/eta.ts';

describe('RemainingTime', () => {
  it('says nothing until 2 s of progress, then (total − done) at the measured pace', () => {
    const e = new RemainingTime();
    expect(e.update(0, 0, 100)).toBeNull();
    expect(e.update(1000, 10, 100)).toBeNull();
    // 20 refits in 2 s: 10 per second; 80 left is 8 s.
    expect(e.update(2000, 20, 100)).toBeCloseTo(8000, 9);
  });

  it('smooths a sudden change of pace instead of jumping to it', () => {
    const e = new RemainingTime();
    e.update(0, 0, 1000);
    const steady = e.update(2000, 20, 1000)!; // 10/s: 98 s left
    expect(steady).toBeCloseTo(98_000, 6);
    // A burst of cached refits: 200 more in one second.
    const after = e.update(3000, 220, 1000)!;
    const raw = (1000 - 220) * 3000 / 220;
    expect(after).toBeCloseTo(0.7 * steady + 0.3 * raw, 6);
    expect(after).toBeGreaterThan(raw);
    expect(after).toBeLessThan(steady);
  });

  it('holds the estimate between reports, measures the pace over the last 15 s only, and forgets on reset', () => {
    const e = new RemainingTime();
    e.update(0, 0, 100);
    const a = e.update(2000, 10, 100)!; // 10 in 2 s: 90 left is 18 s
    expect(a).toBeCloseTo(18_000, 9);
    expect(e.update(3000, 10, 100)).toBeCloseTo(a, 9); // the clock ticks, no new refits: the same pace
    const b = e.update(30_000, 20, 100)!; // the samples of 0 s aged out: pace over 2 s … 30 s
    expect(b).toBeCloseTo(0.7 * a + 0.3 * (80 * 28_000) / 10, 6);
    // Over 30 s … 32 s only (20 in 2 s), not over 2 s … 32 s (30 in 30 s).
    expect(e.update(32_000, 40, 100)).toBeCloseTo(0.7 * b + 0.3 * (60 * 2000) / 20, 6);
    e.reset();
    expect(e.update(40_000, 50, 100)).toBeNull();
  });
});
