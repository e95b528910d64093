// Date parsing and the column's format decision (data-formats.md rule 3), including the
// month-first/day-first question.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  civilFromDays, daysFromCivil, detectDateColumn, isoFromDay, parseDateCell, scanDate, dayFromIso,
  SHAPE_MONTH_NAME, SHAPE_XXY, SHAPE_YMD, type DateFormat,
} from '../../../src/core/data/dates.ts';
import { importFiles } from '../../../src/core/data/import.ts';
import { importFixtures, onlyReport, values } from './helpers.ts';

function detect(cells: string[], choice?: 'mdy' | 'dmy') {
  const text = cells.join('\n');
  const starts = new Int32Array(cells.length), ends = new Int32Array(cells.length);
  let o = 0;
  cells.forEach((c, i) => { starts[i] = o; ends[i] = o + c.length; o += c.length + 1; });
  return detect2(text, starts, ends, choice);
}
function detect2(text: string, s: Int32Array, e: Int32Array, choice?: 'mdy' | 'dmy') {
  return detectDateColumn(text, s, e, s.length, choice);
}
function parse(cell: string, fmt: DateFormat): string {
  const d = parseDateCell(cell, 0, cell.length, fmt);
  return Number.isNaN(d) ? 'invalid' : isoFromDay(d);
}

describe('day numbers', () => {
  it('known anchors (1970-01-01 is day 0; Excel serial 45293 is 2024-01-02)', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(isoFromDay(45293 - 25569)).toBe('2024-01-02');
    expect(dayFromIso('2023-02-29')).toBeNaN();
    expect(dayFromIso('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
  });

  it('round-trips every day from 1800 to 2200 (property)', () => {
    fc.assert(fc.property(fc.integer({ min: daysFromCivil(1800, 1, 1), max: daysFromCivil(2200, 12, 31) }), (z) => {
      const out = new Int32Array(3);
      civilFromDays(z, out);
      return daysFromCivil(out[0]!, out[1]!, out[2]!) === z && dayFromIso(isoFromDay(z)) === z;
    }));
  });
});

describe('cell shapes', () => {
  const f = new Float64Array(4);
  it('ISO dates, with times and time zones after them', () => {
    expect(scanDate('2023-01-03 00:00:00-05:00', 0, 25, f)).toBe(SHAPE_YMD);
    expect(Array.from(f.subarray(0, 3))).toEqual([2023, 1, 3]);
    expect(scanDate('2023-01-03T21:00:00Z', 0, 20, f)).toBe(SHAPE_YMD);
    expect(scanDate('2023/1/3', 0, 8, f)).toBe(SHAPE_YMD);
  });
  it('year-last dates and month names', () => {
    expect(scanDate('03/15/2024', 0, 10, f)).toBe(SHAPE_XXY);
    expect(scanDate('15.03.24', 0, 8, f)).toBe(SHAPE_XXY);
    expect(f[2]).toBe(2024);
    expect(scanDate('Mar 15, 2024', 0, 12, f)).toBe(SHAPE_MONTH_NAME);
    expect(Array.from(f.subarray(0, 3))).toEqual([2024, 3, 15]);
    expect(scanDate('15-Mar-2024', 0, 11, f)).toBe(SHAPE_MONTH_NAME);
    expect(Array.from(f.subarray(0, 3))).toEqual([2024, 3, 15]);
  });
  it('numbers are not dates', () => {
    for (const s of ['472.65', '1.234,56', '12,5', '0', '-3.2', '123']) expect(scanDate(s, 0, s.length, f)).toBe(0);
  });
});

describe('column format', () => {
  it('ISO, YYYYMMDD, YYYYMM, Excel serial, month names', () => {
    expect(detect(['2024-01-02', '2024-01-03']).format!.label).toBe('YYYY-MM-DD');
    expect(detect(['2024/01/02']).format!.label).toBe('YYYY/MM/DD');
    expect(detect(['20240102', '20240103']).format!.label).toBe('YYYYMMDD');
    const ym = detect(['202402', '202403']).format!;
    expect(ym.label).toBe('YYYYMM');
    expect(parse('202402', ym)).toBe('2024-02-29'); // month end
    expect(detect(['45293', '45294']).format!.label).toBe('excel-serial');
    const mon = detect(['Mar 15, 2024', 'Mar 14, 2024']).format!;
    expect(mon.label).toBe('MMM DD, YYYY');
    expect(parse('Mar 14, 2024', mon)).toBe('2024-03-14');
  });

  it('one day above 12 in either place decides the order for the whole column', () => {
    const dmy = detect(['01/03/2024', '13/03/2024']);
    expect(dmy).toMatchObject({ ambiguous: false, format: { order: 'dmy', label: 'DD/MM/YYYY' } });
    expect(parse('01/03/2024', dmy.format!)).toBe('2024-03-01');
    const mdy = detect(['03/01/2024', '03/13/2024']);
    expect(mdy).toMatchObject({ ambiguous: false, format: { order: 'mdy', label: 'MM/DD/YYYY' } });
    expect(parse('03/01/2024', mdy.format!)).toBe('2024-03-01');
    expect(parse('13/03/2024', mdy.format!)).toBe('invalid');
  });

  it('both orders read cleanly: ambiguous, with the more regular reading as a hint', () => {
    const d = detect(['01/02/2024', '01/03/2024', '01/04/2024', '01/05/2024']);
    expect(d).toMatchObject({ ambiguous: true, likely: 'mdy', examples: ['01/02/2024', '01/03/2024', '01/04/2024'] });
    const e = detect(['02.01.2024', '03.01.2024', '04.01.2024']);
    expect(e).toMatchObject({ ambiguous: true, likely: 'dmy' });
    // The user's answer resolves it.
    expect(detect(['01/02/2024', '01/03/2024'], 'dmy')).toMatchObject({ ambiguous: false, format: { order: 'dmy' } });
  });

  it("a user's order the data contradicts is not applied, and is reported", () => {
    const d = detect(['13/01/2024', '14/01/2024'], 'mdy');
    expect(d).toMatchObject({ ambiguous: false, rejectedChoice: 'mdy', format: { order: 'dmy' } });
    const r = importFiles([{ name: 'x.csv', text: 'Date,Close\n13/01/2024,10\n14/01/2024,11\n' }], { dateOrder: { 'x.csv': 'mdy' } });
    expect(onlyReport(r).issues.some((i) => /you chose month-first/.test(i.message))).toBe(true);
    expect(r.panel!.dates).toEqual(['2024-01-13', '2024-01-14']);
  });

  it('invalid dates in a valid column are skipped with the row and the reason', () => {
    const r = importFiles([{ name: 'x.csv', text: 'Date,Close\n2024-01-02,10\n2024-02-30,11\n2024-01-04,12\n' }]);
    const bad = onlyReport(r).issues.find((i) => /not a valid YYYY-MM-DD date/.test(i.message));
    expect(bad).toMatchObject({ severity: 'error', row: 3, column: 'Date', action: 'row skipped' });
    expect(r.panel!.dates).toEqual(['2024-01-02', '2024-01-04']);
  });
});

describe('date ambiguity through importFiles', () => {
  it('the file waits in ambiguities and is used once options.dateOrder names it', () => {
    const a = importFixtures(['ambiguous/prices.csv', 'yahoo/SPY.csv']);
    expect(a.ambiguities).toEqual([{ file: 'prices.csv', examples: ['01/02/2024', '01/03/2024', '01/04/2024'], likely: 'mdy' }]);
    expect(a.reports[0]).toMatchObject({ accepted: false, dateFormat: 'MM/DD/YYYY or DD/MM/YYYY', tickers: ['PRICES'] });
    expect(a.panel!.series.map((s) => s.ticker)).toEqual(['SPY']);

    const m = importFixtures(['ambiguous/prices.csv'], { dateOrder: { 'prices.csv': 'mdy' } });
    expect(m.ambiguities).toEqual([]);
    expect(m.panel!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']);
    expect(values(m.panel, 'PRICES')).toEqual([100.5, 101, 100.2, 100.9, 101.4, 101.1]);

    const d = importFixtures(['ambiguous/prices.csv'], { dateOrder: { 'prices.csv': 'dmy' } });
    expect(d.panel!.dates).toEqual(['2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-08-01', '2024-09-01']);
  });
});
