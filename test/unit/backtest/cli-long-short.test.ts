// `cli backtest` and `cli tune` on Ken French-style files (method.md §12), with no flag about the
// universe: they fit the default configuration to the data exactly as the app does
// (src/core/universe.ts), say what they built, and the backtest prints the decade table.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frenchFile } from '../../fixtures/french.ts';
import type { BacktestResult } from '../../../src/core/backtest/index.ts';
import { studyFromJSON } from '../../../src/core/tuning/serialize.ts';

const ROOT = join(import.meta.dirname, '../../..');
/** Only what makes the run small: 4-5-year windows, quarterly refits, 2 starts. Nothing about the universe. */
const SMALL = ['--set', 'trainMinYears=4', '--set', 'trainMaxYears=5', '--set', 'refitFrequency=quarterly', '--set', 'model.nInit=2'];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helix-french-'));
  writeFileSync(join(dir, 'F-F_Research_Data_Factors_daily.CSV'), frenchFile(2700, 9, [], '2003-01-02').text);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the command line on long-short factor returns', () => {
  it('cli backtest runs on the built universe without further flags and states what it built', () => {
    const out = join(dir, 'r.json');
    const r = cli(['backtest', '--data', join(dir, 'F-F_Research_Data_Factors_daily.CSV'), ...SMALL, '--set', 'strategies.asymmetric=false', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('configuration: None of SPY, QUAL, MTUM, USMV, VLUE, SIZE and IWF is a market or factor of');
    expect(r.stdout).toContain('running on the 14 return features');
    expect(r.stdout).toContain('note: Universe built from long-short factor returns (method §12): the market\'s daily total return r_m = Mkt-RF + RF');
    expect(r.stdout).toContain('a research proxy, not an investable fund');
    expect(r.stdout).toMatch(/Market \(Mkt-RF \+ RF\)/);
    expect(r.stdout).toContain('By decade of the out-of-sample period');
    expect(r.stdout).toMatch(/2000s \(2007-\d\d – 2009-12\)/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as BacktestResult;
    expect(result.config).toMatchObject({ market: 'Mkt-RF', universe: 'longShort', riskFree: 'RF', useEnvironment: false });
    expect(result.tickers).toEqual(['Mkt-RF', 'SMB', 'HML']);
    expect(result.riskFree!.slice(result.evalStartIndex).every((x) => typeof x === 'number')).toBe(true);
  }, 180_000);

  it('cli tune fits the configuration the same way and says so', () => {
    const r = cli(['tune', '--data', join(dir, 'F-F_Research_Data_Factors_daily.CSV'), ...SMALL, '--factor', 'hml', '--sampler', 'random', '--trials', '2',
      '--workers', '1', '--out', join(dir, 'study.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('tune: None of SPY, QUAL, MTUM, USMV, VLUE, SIZE and IWF is a market or factor of');
    expect(r.stderr).toContain('the universe is built from them');
    const study = studyFromJSON(readFileSync(join(dir, 'study.json'), 'utf8'));
    expect(study.definition.factors).toEqual(['HML']);
    expect(study.definition.context?.config).toMatchObject({ universe: 'longShort', riskFree: 'RF', market: 'Mkt-RF' });
  }, 180_000);
});
