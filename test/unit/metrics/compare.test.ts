// Comparing runs (src/core/metrics/compare.ts and `cli compare`): values are read from the results,
// differences are against the first run, settings are compared with the defaults and each other.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareMetrics, settingDifferences, settingsSummary, sharedSeriesKeys, alignCurves, formatCompareValue, formatCompareDifference, type ComparableRun, type ComparableSeries } from '../../../src/core/metrics/compare.ts';
import { defaultConfig, type RunConfig } from '../../../src/core/config.ts';
import { run as compareCli, readResult } from '../../../src/cli/commands/compare.ts';
import { CliError } from '../../../src/cli/args.ts';

function series(key: string, label: string, n: number, growth: number, extra: Record<string, unknown> = {}): ComparableSeries {
  const values = Array.from({ length: n }, (_, i) => (i === 0 ? null : Math.pow(1 + growth, i)));
  return {
    key, label, values, drawdown: values.map((v) => (v === null ? null : 0)),
    metrics: { days: n - 2, firstDate: null, lastDate: null, sharpe: growth * 100, totalReturn: growth * n, sharpeCI: [growth * 50, growth * 150], ...extra },
    vsEqualWeight: key === 'equalWeight' ? null : { activeReturn: growth, informationRatio: growth * 10, informationRatioCI: [-1, 1] },
    vsMarket: key === 'market' ? null : { activeReturn: -growth, informationRatio: -growth * 10 },
    costs: key === 'market' ? null : { grossReturn: growth * 2, costPerYear: growth / 10 },
  };
}

function makeRun(config: RunConfig, start: string, n: number, g: number, strategies = ['symmetric', 'asymmetric']): ComparableRun & { version: 1 } {
  const dates = Array.from({ length: n }, (_, i) => new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
  return {
    version: 1, config, dates, evalStartIndex: 2,
    strategies: strategies.map((k) => series(k, `Regime strategy (${k})`, n, g)),
    equalWeight: series('equalWeight', 'Equal weight', n, g / 2),
    market: series('market', 'Market', n, g / 3),
  };
}

const withDataset = (c: RunConfig, name = 'market'): RunConfig => ({ ...c, dataset: { id: 'x', name, hash: 'abc', firstDate: '2005-01-03', lastDate: '2025-12-30' } });

describe('compareMetrics', () => {
  const a = makeRun(withDataset(defaultConfig()), '2020-01-01', 10, 0.01);
  const b = makeRun(withDataset({ ...defaultConfig(), costBps: 10 }), '2020-01-05', 10, 0.02);
  it('reads each run\'s value and its difference from the first run; intervals have no difference', () => {
    const rows = compareMetrics([a, b], 'symmetric');
    const sharpe = rows.find((r) => r.id === 'sharpe')!;
    expect(sharpe.values).toEqual([1, 2]);
    expect(sharpe.differences).toEqual([null, 1]);
    const ci = rows.find((r) => r.id === 'sharpeCI')!;
    expect(ci.values).toEqual([[0.5, 1.5], [1, 3]]);
    expect(ci.differences).toEqual([null, null]);
    expect(rows.find((r) => r.id === 'informationRatio-ew')!.values).toEqual([0.1, 0.2]);
    expect(rows.find((r) => r.id === 'costPerYear')!.values[1]).toBeCloseTo(0.002, 15);
  });
  it('a result of an older build (no evidence keys) shows null there, not an error', () => {
    const old = makeRun(withDataset(defaultConfig()), '2020-01-01', 10, 0.01);
    for (const s of [...old.strategies, old.equalWeight, old.market]) { delete (s.metrics as Record<string, unknown>).sharpeCI; delete s.costs; }
    const rows = compareMetrics([a, old], 'symmetric');
    expect(rows.find((r) => r.id === 'sharpeCI')!.values).toEqual([[0.5, 1.5], null]);
    expect(rows.find((r) => r.id === 'costPerYear')!.values[1]).toBeNull();
    expect(rows.find((r) => r.id === 'costPerYear')!.differences[1]).toBeNull();
  });
  it('EW against itself has no active rows; shared keys are those every run has', () => {
    expect(compareMetrics([a, b], 'equalWeight').some((r) => r.group === 'vsEqualWeight')).toBe(false);
    const symOnly = makeRun(withDataset(defaultConfig()), '2020-01-01', 10, 0.01, ['symmetric']);
    expect(sharedSeriesKeys([a, symOnly])).toEqual(['symmetric', 'equalWeight', 'market']);
  });
  it('curves go on the union of the runs\' dates from the day before their first return', () => {
    const c = alignCurves([a, b], 'symmetric', 'values');
    expect(c.dates[0]).toBe('2020-01-02'); // a's evalStartIndex − 1
    expect(c.dates[c.dates.length - 1]).toBe('2020-01-14');
    expect(c.dates).toHaveLength(13);
    expect(c.values[0]![0]).toBeCloseTo(1.01, 15);
    expect(c.values[1]![0]).toBeNull(); // b starts later
    expect(c.values[0]![12]).toBeNull(); // a ends earlier
    expect(c.values[1]![12]).toBeCloseTo(1.02 ** 9, 12);
  });
  it('formats values and differences for people', () => {
    expect(formatCompareValue([0.1, 1.234], 'ratioInterval')).toBe('[0.10, 1.23]');
    expect(formatCompareValue([-0.01, 0.02], 'percentInterval')).toBe('[-1.00%, 2.00%]');
    expect(formatCompareValue(0.9712, 'probability')).toBe('97.1%');
    expect(formatCompareValue(null, 'ratio')).toBe('—');
    expect(formatCompareDifference(0.012, 'percent')).toBe('+1.20%');
    expect(formatCompareDifference(-0.05, 'probability')).toBe('-5.0 pts');
  });
});

describe('settingDifferences', () => {
  it('lists settings that differ from the defaults or between runs, with per-factor settings and the data set only when runs differ on it', () => {
    const a = withDataset({ ...defaultConfig(), trainMinYears: 5 });
    const b = withDataset({ ...defaultConfig(), trainMinYears: 5, costBps: 10, factors: defaultConfig().factors.map((f) => (f.ticker === 'QUAL' ? { ...f, jumpPenalty: 30 } : f)) });
    const d = settingDifferences([a, b]);
    const byPath = Object.fromEntries(d.map((x) => [x.path, x]));
    expect(Object.keys(byPath).sort()).toEqual(['costBps', 'factors.QUAL.jumpPenalty', 'trainMinYears']);
    expect(byPath.trainMinYears).toMatchObject({ label: 'Minimum training years', defaultValue: '8', values: ['5', '5'], fromDefault: [true, true], amongRuns: false });
    expect(byPath.costBps).toMatchObject({ values: ['5', '10'], fromDefault: [false, true], amongRuns: true });
    expect(byPath['factors.QUAL.jumpPenalty']).toMatchObject({ label: 'QUAL λ', defaultValue: '—', values: ['—', '30'] });
    const other = withDataset(defaultConfig(), 'demo');
    expect(settingDifferences([a, other]).find((x) => x.path === 'dataset')).toMatchObject({ amongRuns: true, values: ['market (2005-01-03 … 2025-12-30)', 'demo (2005-01-03 … 2025-12-30)'] });
    expect(settingsSummary(b)).toBe('Minimum training years 5, Cost 10, QUAL λ 30');
    expect(settingsSummary(withDataset(defaultConfig()))).toBe('the defaults');
  });
});

describe('cli compare', () => {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'helix-compare-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  const write = (name: string, v: unknown) => { const p = join(dir, name); writeFileSync(p, typeof v === 'string' ? v : JSON.stringify(v)); return p; };

  it('--json gives the runs, the settings that differ and one table of rows per portfolio', () => {
    const a = write('a.json', makeRun(withDataset(defaultConfig()), '2020-01-01', 10, 0.01));
    const b = write('b.json', makeRun(withDataset({ ...defaultConfig(), costBps: 10 }), '2020-01-01', 10, 0.02));
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'compare', a, b, '--json'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { runs: { file: string }[]; settings: { path: string }[]; series: Record<string, { id: string; values: unknown[]; differences: unknown[] }[]> };
    expect(out.runs.map((r) => r.file)).toEqual(['a.json', 'b.json']);
    expect(out.settings.map((s) => s.path)).toEqual(['costBps']);
    expect(Object.keys(out.series)).toEqual(['symmetric', 'asymmetric', 'equalWeight', 'market']);
    expect(out.series.symmetric!.find((r) => r.id === 'sharpe')).toMatchObject({ values: [1, 2], differences: [null, 1] });
    const text = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'compare', a, b, '--series', 'symmetric'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Settings that differ');
    expect(text.stdout).toMatch(/Sharpe\s+1\.00\s+2\.00\s+\+1\.00/);
  });

  it('bad input exits with code 2 and says what to do', async () => {
    const a = write('ok.json', makeRun(withDataset(defaultConfig()), '2020-01-01', 10, 0.01));
    const fails = async (args: string[], re: RegExp) => {
      const err = await compareCli(args).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toMatch(re);
    };
    await fails([a], /2 to 4 result files/);
    await fails([a, a, a, a, a], /2 to 4 result files \(written by `cli backtest --out`\), got 5/);
    await fails([a, join(dir, 'missing.json')], /missing\.json: file not found/);
    await fails([a, write('bad.json', '{nope')], /bad\.json: not a JSON file/);
    await fails([a, write('study.json', { format: 'helix-study' })], /study\.json: not a backtest result/);
    await fails([a, a, '--series', 'nope'], /--series nope: not a portfolio of every run — choose one of symmetric, asymmetric, equalWeight, market/);
    expect(readResult(a).run.config.costBps).toBe(5);
  });
});
