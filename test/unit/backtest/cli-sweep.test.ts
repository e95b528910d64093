// `cli report --sweep field=v1,v2,…`: the table (and --json) from the core sweep; bad input exits 2
// with what to fix before any data is read.
import { describe, it, expect, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import { sweepReport, SWEEP_CAVEAT } from '../../../src/cli/sweep.ts';
import { runBacktest } from '../../../src/core/backtest/index.ts';
import type { RunConfig } from '../../../src/core/config.ts';

const small = ['factors=QUAL,MTUM', 'trainMinYears=4', 'trainMaxYears=6', 'refitFrequency=quarterly', 'model.nInit=3', 'model.maxFeatures=4', 'strategies.asymmetric=false'];
const load = async () => ({ panel: generateDemoPanel(7, { start: '2010-01-01', end: '2016-12-31' }), name: 'demo', simulated: true, warnings: 0 });
/** The session of the plain backtest on the demo panel (the CLI's own opens a cached pipeline). */
const open = (loadData: typeof load) => async (base: RunConfig) => {
  const data = await loadData();
  return { data, config: base, run: async (c: RunConfig) => runBacktest(data.panel, c) };
};

describe('cli report --sweep', () => {
  it('prints one line per value and strategy, EW once, and the in-sample caveat; --json gives the same numbers', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await sweepReport({ sweep: 'rebalance=daily,monthly', set: small }, open(load))).toBe(0);
      const text = String(log.mock.calls[0]![0]);
      const lines = text.split('\n');
      expect(lines[0]).toMatch(/^Sweep of rebalance \(Strategy trading days\) on simulated demo data: out of sample 2014-\d\d-\d\d to 2016-12-30, 2 runs/);
      expect(lines.filter((l) => /^(daily|monthly)\s+Regime strategy \(symmetric\)/.test(l))).toHaveLength(2);
      expect(lines.filter((l) => l.startsWith('(any)'))).toHaveLength(1);
      expect(text).toContain(SWEEP_CAVEAT);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/run 1 of 2 \(daily\)/), expect.stringMatching(/run 2 of 2 \(monthly\)/)]);
      log.mockClear();
      expect(await sweepReport({ sweep: 'rebalance=daily,monthly', set: small, json: true }, open(load))).toBe(0);
      const json = JSON.parse(String(log.mock.calls[0]![0])) as { field: string; rows: { value: string; strategies: { annualTurnover: number }[] }[]; caveat: string };
      expect(json.field).toBe('rebalance');
      expect(json.rows.map((r) => r.value)).toEqual(['daily', 'monthly']);
      expect(json.rows[1]!.strategies[0]!.annualTurnover).toBeLessThan(json.rows[0]!.strategies[0]!.annualTurnover);
      expect(json.caveat).toBe(SWEEP_CAVEAT);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });

  it('a bad sweep or --set exits 2 with one line saying what to fix, without reading the data', async () => {
    let loaded = false;
    const never = async () => { loaded = true; return load(); };
    await expect(sweepReport({ sweep: 'noTradeBand=0,2' }, open(never))).rejects.toThrow(/noTradeBand=2: No-trade band: 200% is out of range: allowed 0% to 100%/);
    await expect(sweepReport({ sweep: 'rebalance=daily', set: ['costBps=abc'] }, open(never))).rejects.toThrow(/--set costBps/);
    expect(loaded).toBe(false);
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'report', '--data', 'demo', '--sweep', 'nosuch=1,2'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: --sweep nosuch: not a setting that can be swept/);
  });
});
