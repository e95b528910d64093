// Series names are kept as the file writes them (Ken French's `Mkt-RF`, not `MKT-RF`), and every
// lookup of a ticker — roles, column kinds, the same ticker from two files, the configuration, the
// backtest's series, tuning — matches in any case, so a configuration or share link written with
// upper-case tickers still finds `Mkt-RF`.
import { describe, it, expect } from 'vitest';
import { importFiles } from '../../../src/core/data/import.ts';
import { findSeries, type Panel } from '../../../src/core/data/panel.ts';
import { defaultConfig, resolveFactorModel, validateConfig, type RunConfig } from '../../../src/core/config.ts';
import { prepareBacktestData } from '../../../src/core/backtest/prepare.ts';
import { fitConfigToDataset } from '../../../src/core/universe.ts';
import { buildTuningContext } from '../../../src/core/tuning/evaluate.ts';
import { weekdays } from './helpers.ts';

const D = weekdays('2020-01-01', 400);
/** A wide price file with mixed-case column names. */
function wide(names: string[]): string {
  const rows = [`Date,${names.join(',')}`];
  D.forEach((d, i) => rows.push(`${d},${names.map((_, k) => (100 + k + Math.sin(i / 7 + k) * 3).toFixed(4)).join(',')}`));
  return `${rows.join('\n')}\n`;
}

describe('names kept as written', () => {
  it('wide columns keep their case; default roles match in any case', () => {
    const r = importFiles([{ name: 'mixed.csv', text: wide(['MyFund', 'spy', 'Qual']) }]);
    expect(r.reports[0]!.tickers).toEqual(['MyFund', 'spy', 'Qual']);
    expect(Object.keys(r.reports[0]!.kinds)).toEqual(['MyFund', 'spy', 'Qual']);
    expect(r.panel!.series.map((s) => [s.ticker, s.role])).toEqual([['spy', 'market'], ['Qual', 'factor'], ['MyFund', 'unused']]);
  });

  it('role and kind options are keyed in any case', () => {
    const r = importFiles([{ name: 'mixed.csv', text: wide(['Mkt-RF', 'Smb']) }], { roles: { 'MKT-RF': 'market', smb: 'factor' }, columnKinds: { 'mkt-rf': 'price' } });
    expect(r.panel!.series.map((s) => [s.ticker, s.role])).toEqual([['Mkt-RF', 'market'], ['Smb', 'factor']]);
    expect(r.panelReport!.issues.filter((i) => /no imported series/.test(i.message))).toEqual([]);
  });

  it('the same ticker in another case from a second file is one series: the first file\'s is kept, and the report says so', () => {
    const r = importFiles([{ name: 'a.csv', text: wide(['Spy']) }, { name: 'SPY.csv', text: wide(['Close']) }]);
    expect(r.panel!.series.map((s) => s.ticker)).toEqual(['Spy']);
    expect(r.reports[1]!.accepted).toBe(false);
    expect(r.reports[1]!.issues.map((i) => i.message)).toContain('SPY was already imported from a.csv (as Spy)');
  });

  it('a long file with one ticker in two spellings makes one series, named as first written', () => {
    const rows = ['date,ticker,close'];
    D.slice(0, 10).forEach((d, i) => rows.push(`${d},${i % 2 ? 'SPY' : 'spy'},${100 + i}`));
    const r = importFiles([{ name: 'long.csv', text: rows.join('\n') }]);
    expect(r.reports[0]!.tickers).toEqual(['spy']);
    expect(Array.from(findSeries(r.panel!, 'SPY')!.values)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });
});

describe('lookups in any case', () => {
  // Read as prices (the Mkt-RF header alone would make this a Ken French file of percent returns).
  const panel: Panel = importFiles([{ name: 'f.csv', text: wide(['Mkt-RF', 'Smb', 'Hml']) }],
    { roles: { 'mkt-rf': 'market', smb: 'factor', hml: 'factor' }, columnKinds: { 'MKT-RF': 'price', SMB: 'price', hml: 'price' } }).panel!;
  const upper = (): RunConfig => ({ ...defaultConfig(), market: 'MKT-RF', factors: [{ ticker: 'SMB', jumpPenalty: 12 }, { ticker: 'hml' }], useEnvironment: false });

  it('the configuration keeps the spelling it was given and compares tickers in any case', () => {
    const c = validateConfig({ ...upper(), factors: ['SMB', 'hml'] });
    expect(c.ok && c.config.factors.map((f) => f.ticker)).toEqual(['SMB', 'hml']);
    const dup = validateConfig({ ...upper(), factors: ['SMB', 'smb'] });
    expect(!dup.ok && dup.errors[0]!.message).toContain('listed twice');
    const same = validateConfig({ ...upper(), factors: ['mkt-rf'] });
    expect(!same.ok && same.errors[0]!.message).toContain('is the market');
    expect(resolveFactorModel(upper(), 'Smb', 'symmetric').jumpPenalty).toBe(12);
  });

  it('prepareBacktestData finds Mkt-RF for MKT-RF and reports the data set\'s names', () => {
    const data = prepareBacktestData(panel, upper());
    expect(data.tickers).toEqual(['Mkt-RF', 'Smb', 'Hml']);
  });

  it('fitConfigToDataset takes the data set\'s spelling without calling it a change, keeping per-factor settings', () => {
    const { config, changes } = fitConfigToDataset(upper(), { id: 'a'.repeat(64), name: 'F', panel });
    expect(changes).toEqual([]);
    expect(config.market).toBe('Mkt-RF');
    expect(config.factors).toEqual([{ ticker: 'Smb', jumpPenalty: 12 }, { ticker: 'Hml' }]);
    expect(validateConfig(config).ok).toBe(true);
  });

  it('tuning builds a factor\'s context from any spelling', () => {
    const c = { ...upper(), trainMinYears: 1, trainMaxYears: 1 };
    expect(buildTuningContext(panel, c, 'SMB').ticker).toBe('Smb');
  });
});
