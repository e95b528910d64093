// The sweep of one setting (core/backtest/sweep.ts): configurations per value, the injected
// runner, the table, and clear errors for sweeps that cannot run.
import { describe, it, expect } from 'vitest';
import { defaultConfig, type RunConfig } from '../../../src/core/config.ts';
import { smallConfig, smallPanel } from './fixtures.ts';
import { runBacktest, type BacktestResult } from '../../../src/core/backtest/index.ts';
import { parseSweepSpec, runSweep, sweepConfigs, sweepTable, SweepCancelled, SweepError } from '../../../src/core/backtest/sweep.ts';

describe('sweep of one setting', () => {
  it('parses field=v1,v2,… and builds one validated configuration per value', () => {
    expect(parseSweepSpec('noTradeBand=0,0.01, 0.02,5%')).toEqual({ field: 'noTradeBand', values: ['0', '0.01', '0.02', '5%'] });
    const runs = sweepConfigs(defaultConfig(), parseSweepSpec('noTradeBand=0,0.01,5%'));
    expect(runs.map((r) => r.value)).toEqual([0, 0.01, 0.05]);
    expect(runs.map((r) => r.config.noTradeBand)).toEqual([0, 0.01, 0.05]);
    expect(sweepConfigs(defaultConfig(), parseSweepSpec('rebalance=daily,weekly,monthly')).map((r) => r.config.rebalance)).toEqual(['daily', 'weekly', 'monthly']);
    expect(sweepConfigs(defaultConfig(), parseSweepSpec('factors.QUAL.jumpPenalty=10,20')).map((r) => r.value)).toEqual([10, 20]);
    expect(sweepConfigs(defaultConfig(), parseSweepSpec('model.k=2,3')).map((r) => r.config.model.k)).toEqual([2, 3]);
  });

  it('reads a factor\'s value by its ticker as written (Ken French "Mom"), in any case', () => {
    const french: RunConfig = { ...defaultConfig(), market: 'Mkt', factors: [{ ticker: 'Mom' }, { ticker: 'Smb' }] };
    expect(sweepConfigs(french, parseSweepSpec('factors.Mom.jumpPenalty=10,20')).map((r) => r.value)).toEqual([10, 20]);
    expect(sweepConfigs(french, parseSweepSpec('factors.MOM.jumpPenalty=30')).map((r) => r.value)).toEqual([30]);
  });

  it('a sweep that cannot run says what is wrong and what to write', () => {
    const bad: [string, RegExp][] = [
      ['noTradeBand', /expects field=value,value/], ['noTradeBand=', /no values/], ['foo=1,2', /not a setting that can be swept.*noTradeBand/],
      ['startDate=2010-01-04', /not a setting that can be swept/], ['factors=QUAL', /not a setting that can be swept/],
      ['noTradeBand=0,abc', /noTradeBand=abc: .*not a number/], ['noTradeBand=0,1.5', /out of range: allowed 0% to 100%/],
      ['rebalance=daily,hourly', /"hourly" is not one of daily \| weekly \| monthly/],
    ];
    for (const [text, re] of bad) {
      expect(() => sweepConfigs(defaultConfig(), parseSweepSpec(text)), text).toThrow(SweepError);
      expect(() => sweepConfigs(defaultConfig(), parseSweepSpec(text)), text).toThrow(re);
    }
  });

  it('runs each value through the injected runner, in order, and tabulates net CAGR, active figures, turnover and costs', async () => {
    const panel = smallPanel();
    const seen: number[] = [];
    const runner = async (c: RunConfig): Promise<BacktestResult> => { seen.push(c.noTradeBand); return runBacktest(panel, c); };
    const progress: string[] = [];
    const sweep = await runSweep(smallConfig(), parseSweepSpec('noTradeBand=0,0.02'), runner, { onProgress: (d, t) => progress.push(`${d}/${t}`) });
    expect(seen).toEqual([0, 0.02]);
    expect(progress).toEqual(['1/2', '2/2']);
    expect(sweep.label).toBe('No-trade band');
    const direct = runBacktest(panel, { ...smallConfig(), noTradeBand: 0.02 });
    const row = sweep.rows[1]!;
    expect(row.value).toBe(0.02);
    expect(row.strategies.map((s) => s.key)).toEqual(['symmetric', 'asymmetric']);
    const s = row.strategies[0]!, d = direct.strategies[0]!;
    expect(s.cagr).toBe(d.metrics.cagr);
    expect(s.informationRatio).toBe(d.vsEqualWeight!.informationRatio);
    expect(s.activeReturn).toBe(d.vsEqualWeight!.activeReturn);
    expect(s.trackingError).toBe(d.vsEqualWeight!.trackingError);
    expect(s.annualTurnover).toBe(d.metrics.annualTurnover);
    expect(s.annualCost).toBeCloseTo(5e-4 * d.metrics.annualTurnover!, 15);
    expect(s.outOfReach).toBe(direct.diagnostics[0]!.trackingErrorOutOfReach.below + direct.diagnostics[0]!.trackingErrorOutOfReach.above);
    expect(row.equalWeight.informationRatio).toBeNull();
    const table = sweepTable(sweep);
    expect(table.split('\n')[0]).toMatch(/^noTradeBand\s+Portfolio\s+Net CAGR\s+Active return vs EW\s+TE vs EW\s+IR vs EW\s+Turnover \/ yr\s+Costs \/ yr/);
    expect(table).toContain('Regime strategy (symmetric)');
    expect(table.split('\n').filter((l) => l.startsWith('(any)'))).toHaveLength(1); // EW is the same for every value
    expect(sweepTable(sweep, true).split('\n')[1]).toMatch(/^\| --- \| ---: \|/);
  });

  it('stops between runs when cancelled', async () => {
    let n = 0;
    const runner = async (): Promise<BacktestResult> => { n++; throw new Error('not reached'); };
    await expect(runSweep(defaultConfig(), parseSweepSpec('tradePenalty=0,0.01'), runner, { isCancelled: () => true })).rejects.toThrow(SweepCancelled);
    expect(n).toBe(0);
  });
});
