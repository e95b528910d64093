// Ken French's daily factor files of ../shared/data/french (read in place, never copied): the
// universe built from them (method.md §12) against the same sums and products computed here from
// the files' own text.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importFiles } from '../../../src/core/data/import.ts';
import { defaultConfig } from '../../../src/core/config.ts';
import { fitConfigToDataset } from '../../../src/core/universe.ts';
import { prepareBacktestData } from '../../../src/core/backtest/prepare.ts';

const dir = fileURLToPath(new URL('../../../../shared/data/french/', import.meta.url));
const FIVE = 'F-F_Research_Data_5_Factors_2x3_daily.CSV', MOM = 'F-F_Momentum_Factor_daily.CSV';
const present = existsSync(dir + FIVE) && existsSync(dir + MOM);
if (!present) console.log(`Ken French data tests skipped: ${dir} is absent (the shared data is not on this machine)`);

/** The daily table of a Ken French file, parsed plainly: date (ISO) → column → percent value. */
function rawTable(name: string): { columns: string[]; rows: Map<string, number[]> } {
  const lines = readFileSync(dir + name, 'utf8').split(/\r?\n/);
  const h = lines.findIndex((l) => l.startsWith(','));
  const columns = lines[h]!.split(',').slice(1).map((c) => c.trim());
  const rows = new Map<string, number[]>();
  for (let i = h + 1; i < lines.length && /^\d{8},/.test(lines[i]!); i++) {
    const cells = lines[i]!.split(',');
    const d = cells[0]!;
    rows.set(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, cells.slice(1).map(Number));
  }
  return { columns, rows };
}

describe.skipIf(!present)('Ken French daily factors (../shared/data/french)', () => {
  const result = present ? importFiles([MOM, FIVE].map((name) => ({ name, bytes: new Uint8Array(readFileSync(dir + name)) }))) : null;
  const panel = result?.panel;
  const ds = { id: 'k'.repeat(64), name: 'Ken French', panel: panel! };

  it('import with their names as written and the roles of a long-short universe; the range ends when Mom ends', () => {
    expect(panel!.series.map((s) => [s.ticker, s.role])).toEqual([
      ['Mkt-RF', 'market'], ['Mom', 'longShort'], ['SMB', 'longShort'], ['HML', 'longShort'], ['RMW', 'longShort'], ['CMA', 'longShort'], ['RF', 'riskFree'],
    ]);
    expect(panel!.dates[0]).toBe('1963-07-01');
    expect(panel!.dates[panel!.dates.length - 1]).toBe('2022-12-30');
    expect(result!.panelReport!.message).toContain('ends 2022-12-30 because Mom ends then');
  });

  it('the default configuration runs on them without flags: 14 features, RF the risk-free rate', () => {
    const { config, changes } = fitConfigToDataset(defaultConfig(), ds);
    expect(config).toMatchObject({ market: 'Mkt-RF', universe: 'longShort', riskFree: 'RF', useEnvironment: false });
    expect(config.factors.map((f) => f.ticker)).toEqual(['Mom', 'SMB', 'HML', 'RMW', 'CMA']);
    expect(changes.join(' ')).toContain('running on the 14 return features');
  });

  it('the market equals the compounded Mkt-RF + RF of the file, each asset the compounded market + factor (1e-12)', () => {
    const data = prepareBacktestData(panel!, fitConfigToDataset(defaultConfig(), ds).config);
    const five = rawTable(FIVE), mom = rawTable(MOM);
    // Every panel day is a row of both files (nothing was dropped, so daily compounding is comparable).
    expect(data.dates.every((d) => five.rows.has(d) && mom.rows.has(d))).toBe(true);
    expect(data.dates.length).toBe([...five.rows.keys()].filter((d) => d <= '2022-12-30').length);
    const col = (c: string) => five.columns.indexOf(c);
    const names = ['Mom', 'SMB', 'HML', 'RMW', 'CMA'];
    const N = 6;
    const w = new Float64Array(N).fill(1), ref = new Float64Array(N).fill(1);
    let worst = 0, lowest = Infinity;
    for (let t = 1; t < data.dates.length; t++) {
      const r = five.rows.get(data.dates[t]!)!;
      const rm = (r[col('Mkt-RF')]! + r[col('RF')]!) / 100;
      const a = names.map((n) => (n === 'Mom' ? mom.rows.get(data.dates[t]!)![0]! : r[col(n)]!) / 100);
      for (let i = 0; i < N; i++) {
        w[i]! *= 1 + data.returns[t * N + i]!;
        ref[i]! *= 1 + rm + (i === 0 ? 0 : a[i - 1]!);
        worst = Math.max(worst, Math.abs(w[i]! / ref[i]! - 1));
        lowest = Math.min(lowest, data.returns[t * N + i]!);
      }
      expect(data.riskFree![t]).toBeCloseTo(r[col('RF')]! / 100, 12);
    }
    expect(worst).toBeLessThan(1e-12);
    // No value is a missing mark turned into a return: the worst day is the crash of 19 Oct 1987.
    expect(lowest).toBeGreaterThan(-0.25);
    expect(w[0]).toBeGreaterThan(100); // sixty years of the market
  });
});
