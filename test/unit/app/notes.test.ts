// The run notes' tracking-error sentence (src/app/backtest/notes.ts): it counts allocation
// decisions and says so. It once read "met on 1,044 days" of a 1,043-day window: the count was of
// decisions (one per close from the first refit, the last traded on the last day), the window of days.
import { describe, it, expect } from 'vitest';
import { trackingErrorNote } from '../../../src/app/backtest/notes.ts';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import { defaultConfig } from '../../../src/core/config.ts';
import { runBacktest, type StrategyDiagnostics } from '../../../src/core/backtest/index.ts';

function diagnostics(te: (number | null)[], counts: { ok: number; below: number; above: number }): StrategyDiagnostics {
  return { kind: 'symmetric', exAnteTrackingError: te, confidence: te.map(() => null), trackingErrorOutOfReach: counts };
}

describe('trackingErrorNote', () => {
  const dates = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08'];

  it('all met: the number of decisions, called decisions, with their first and last date', () => {
    const d = diagnostics([0.02, 0.02, 0.02, 0.02, null], { ok: 4, below: 0, above: 0 });
    expect(trackingErrorNote(d, 0.02, dates)).toBe(
      'Symmetric strategy: the 2% tracking-error target was met at all 4 daily allocation decisions (made at each close from 2 Jan 2020 to 7 Jan 2020, each traded at the next close).',
    );
  });

  it('some out of reach: met, too weak and too strong add up to the decisions', () => {
    const d = diagnostics([null, 0.01, 0.02, 0.02, 0.025], { ok: 2, below: 1, above: 1 });
    expect(trackingErrorNote(d, 0.02, dates)).toBe(
      'Symmetric strategy: the 2% tracking-error target was met at 2 of the 4 daily allocation decisions (made at each close from 3 Jan 2020 to 8 Jan 2020, each traded at the next close); ' +
      'out of reach at 1 (views too weak to reach it) and 1 (above it even at the lowest confidence).',
    );
  });

  it('thousands separators and singular', () => {
    const big = diagnostics([], { ok: 1044, below: 0, above: 0 });
    expect(trackingErrorNote(big, 0.02, [])).toContain('met at all 1,044 daily allocation decisions.');
    const one = diagnostics([0.02], { ok: 1, below: 0, above: 0 });
    expect(trackingErrorNote(one, 0.02, dates)).toContain('met at the 1 daily allocation decision (made at each close from 2 Jan 2020 to 2 Jan 2020');
  });

  it('on a real run: the count is the number of decision days', () => {
    const c = defaultConfig();
    c.factors = [{ ticker: 'QUAL' }];
    c.trainMinYears = 2; c.trainMaxYears = 3;
    c.refitFrequency = 'quarterly';
    c.model.nInit = 1; c.model.maxFeatures = 4;
    c.strategies.asymmetric = false;
    const r = runBacktest(generateDemoPanel(7, { start: '2010-01-01', end: '2013-06-30' }), c);
    const d = r.diagnostics[0]!;
    const decisionDays = d.exAnteTrackingError.filter((v) => v !== null).length;
    const { ok, below, above } = d.trackingErrorOutOfReach;
    expect(ok + below + above).toBe(decisionDays);
    const text = trackingErrorNote(d, c.trackingErrorTarget, r.dates);
    const counted = /at (?:all |\S+ of the )?([\d,]+) daily allocation decisions/.exec(text);
    expect(Number(counted![1]!.replace(/,/g, ''))).toBe(decisionDays);
    expect(text).not.toMatch(/\bdays\b/);
  });
});
