// Properties: the importer never throws, on any string or bytes, and always returns a
// report per file; generated valid files in several layouts round-trip exactly (the panel holds the
// decimals written in the file, on the dates written in the file).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { importFiles } from '../../../src/core/data/import.ts';
import type { ImportInput, ImportOptions, ImportResult } from '../../../src/core/data/types.ts';
import { isoFromDay, daysFromCivil, weekday } from '../../../src/core/data/dates.ts';
import { normaliseHeader, valueRank, DATE_ALIASES, TICKER_ALIASES_HEADER, IGNORED_ALIASES, ENVIRONMENT_TICKERS } from '../../../src/core/data/tickers.ts';
import { DEFAULT_FACTORS } from '../../../src/core/data/panel.ts';

function checkShape(files: ImportInput[], r: ImportResult): void {
  expect(r.reports).toHaveLength(files.length);
  r.reports.forEach((rep, i) => {
    expect(rep.file).toBe(files[i]!.name);
    for (const issue of rep.issues) {
      expect(['error', 'warning', 'info']).toContain(issue.severity);
      expect(typeof issue.message).toBe('string');
      expect(typeof issue.action).toBe('string');
    }
    if (rep.accepted) expect(rep.tickers.length).toBeGreaterThan(0);
    else expect(rep.issues.some((x) => x.severity !== 'info')).toBe(true);
  });
  if (r.panel) {
    for (const s of r.panel.series) expect(s.values.length).toBe(r.panel.dates.length);
    for (let i = 1; i < r.panel.dates.length; i++) expect(r.panel.dates[i]! > r.panel.dates[i - 1]!).toBe(true);
  }
}

// CSV-looking noise: the tokens that steer the importer's decisions, in random order.
const token = fc.constantFrom(
  'Date', 'Close', 'Adj Close', 'Price', 'Ticker', '<DATE>', 'SPY', 'VIXCLS', ',', ';', '\t', '\n', '\r\n', '"', '""',
  '2024-01-02', '01/02/2024', '13/01/2024', '20240102', '202401', '45293', '02.01.2024', 'Jan 02, 2024',
  '1,234.56', '12,5', '1.2M', 'null', '.', '-99.99', 'NaN', '-1', '0', '472.65', ' ', '\uFEFF', '%',
);
const csvish = fc.array(token, { maxLength: 200 }).map((t) => t.join(''));

describe('the importer never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), csvish), { minLength: 1, maxLength: 4 }), (texts) => {
      const files = texts.map((text, i) => ({ name: `f${i}.csv`, text }));
      checkShape(files, importFiles(files));
    }), { numRuns: 300 });
  });

  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 4 }), (blobs) => {
      const files = blobs.map((bytes, i) => ({ name: `b${i}.csv`, bytes }));
      checkShape(files, importFiles(files));
    }), { numRuns: 300 });
  });

  it('on CSV-like token soup with random options', () => {
    const options = fc.record({
      maxForwardFill: fc.oneof(fc.integer({ min: -3, max: 10 }), fc.constant(Number.NaN)),
      dateOrder: fc.constant({ 'f0.csv': 'dmy' as const }),
      columnKinds: fc.dictionary(fc.constantFrom('SPY', 'F0', 'CLOSE'), fc.constantFrom('price', 'return', 'percentReturn', 'level') as fc.Arbitrary<'price'>),
      roles: fc.dictionary(fc.constantFrom('SPY', 'F0', 'VIX'), fc.constantFrom('market', 'factor', 'environment', 'unused') as fc.Arbitrary<'market'>),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(csvish, { minLength: 1, maxLength: 3 }), options, (texts, opts) => {
      const files = texts.map((text, i) => ({ name: `f${i}.csv`, text: `Date,Close\n${text}` }));
      checkShape(files, importFiles(files, opts as ImportOptions));
    }), { numRuns: 300 });
  });
});

// ---- Round trip.

/** Tickers that cannot be mistaken for a header word or a default/environment series. */
const tickerArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), minLength: 2, maxLength: 5 }).filter((t) => {
  const h = normaliseHeader(t);
  return valueRank(h) === 0 && !DATE_ALIASES.has(h) && !TICKER_ALIASES_HEADER.has(h) && !IGNORED_ALIASES.has(h)
    && !ENVIRONMENT_TICKERS.has(t) && t !== 'SPY' && !(DEFAULT_FACTORS as readonly string[]).includes(t) && !['NA', 'NAN', 'NULL', 'NONE', 'ND', 'NIL'].includes(t) && !/^(VIXCLS|DGS\d*)$/.test(t);
});

/** A decimal as written in a file: mantissa / 10^scale, plus how each layout writes it. */
interface Dec { plain: string; value: number }
const decArb = (allowNegative: boolean): fc.Arbitrary<Dec> => fc.record({
  m: fc.integer({ min: 1, max: 2_000_000_000 }), scale: fc.integer({ min: 0, max: 6 }), neg: allowNegative ? fc.boolean() : fc.constant(false),
}).map(({ m, scale, neg }) => {
  const digits = String(m).padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale), frac = digits.slice(digits.length - scale);
  const plain = `${neg ? '-' : ''}${int}${scale ? `.${frac}` : ''}`;
  return { plain, value: Number(plain) };
});

function group(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}
function withThousands(p: string, thousands: string, decimal: string): string {
  const neg = p.startsWith('-');
  const [i, f] = (neg ? p.slice(1) : p).split('.');
  return `${neg ? '-' : ''}${group(i!, thousands)}${f !== undefined ? `${decimal}${f}` : ''}`;
}

/** Ascending business days from a random start, with random steps of 1-4 weekdays. */
const datesArb = fc.record({ start: fc.integer({ min: daysFromCivil(1990, 1, 1), max: daysFromCivil(2020, 1, 1) }), steps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 30 }) })
  .map(({ start, steps }) => {
    const out: number[] = [];
    let d = start;
    const next = (x: number) => { do x++; while (weekday(x) === 0 || weekday(x) === 6); return x; };
    d = next(d - 1);
    out.push(d);
    for (const s of steps) { for (let k = 0; k < s; k++) d = next(d); out.push(d); }
    return out;
  });

function ymd(day: number): [string, string, string] {
  const iso = isoFromDay(day);
  return [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
}

type Layout = 'yahoo' | 'wide' | 'long' | 'stooq-bulk' | 'investing' | 'yfinance' | 'european' | 'fred';

interface Case { files: ImportInput[]; options: ImportOptions; expected: Record<string, number[]>; days: number[] }

function build(layout: Layout, tickers: string[], days: number[], vals: Dec[][], eol: string, dmy: boolean): Case {
  const options: ImportOptions = {};
  const expected: Record<string, number[]> = {};
  tickers.forEach((t, k) => { expected[t] = vals[k]!.map((v) => v.value); });
  const iso = days.map(isoFromDay);
  const lines = (rows: string[]) => rows.join(eol) + eol;
  const files: ImportInput[] = [];
  switch (layout) {
    case 'yahoo':
      tickers.forEach((t, k) => files.push({ name: `${k % 2 ? t.toLowerCase() : t}.csv`, text: lines(['Date,Open,High,Low,Close,Adj Close,Volume', ...iso.map((d, i) => `${d},1.5,2.5,0.5,1.25,${vals[k]![i]!.plain},${1000 + i}`)]) }));
      break;
    case 'wide':
      files.push({ name: 'wide.csv', text: lines([`Date,${tickers.join(',')}`, ...iso.map((d, i) => `${d},${tickers.map((_, k) => vals[k]![i]!.plain).join(',')}`)]) });
      break;
    case 'long': {
      const rows = ['date,ticker,close,volume'];
      tickers.forEach((t, k) => iso.forEach((d, i) => rows.push(`${d},${t},${vals[k]![i]!.plain},${i}`)));
      files.push({ name: 'long.csv', text: lines(rows) });
      break;
    }
    case 'stooq-bulk': {
      const rows = ['<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>'];
      iso.forEach((d, i) => tickers.forEach((t, k) => rows.push(`${t}.US,D,${d.replace(/-/g, '')},000000,1,2,0.5,${vals[k]![i]!.plain},100,0`)));
      files.push({ name: 'bulk.txt', text: lines(rows) });
      break;
    }
    case 'investing':
      tickers.forEach((t, k) => {
        const rows = ['"Date","Price","Open","High","Low","Vol.","Change %"'];
        for (let i = days.length - 1; i >= 0; i--) {
          const [y, m, d] = ymd(days[i]!);
          const date = dmy ? `${d}/${m}/${y}` : `${m}/${d}/${y}`;
          rows.push(`"${date}","${withThousands(vals[k]![i]!.plain, ',', '.')}","1.00","2.00","0.50","1.5M","0.10%"`);
        }
        const name = `${t} Historical Data.csv`;
        files.push({ name, text: lines(rows) });
        (options.dateOrder ??= {})[name] = dmy ? 'dmy' : 'mdy';
      });
      break;
    case 'yfinance': {
      const rows = [`Price,${tickers.map(() => 'Close').join(',')},${tickers.map(() => 'Volume').join(',')}`, `Ticker,${tickers.join(',')},${tickers.join(',')}`, `Date,${tickers.map(() => ',').join('')}`.slice(0, -1)];
      iso.forEach((d, i) => rows.push(`${d} 00:00:00-05:00,${tickers.map((_, k) => vals[k]![i]!.plain).join(',')},${tickers.map(() => '100').join(',')}`));
      files.push({ name: 'yf.csv', text: lines(rows) });
      break;
    }
    case 'european':
      tickers.forEach((t, k) => {
        const rows = ['Datum;Schluss;Volumen'];
        iso.forEach((_, i) => { const [y, m, d] = ymd(days[i]!); rows.push(`${d}.${m}.${y};${withThousands(vals[k]![i]!.plain, '.', ',')};1.234`); });
        const name = `${t}.csv`;
        files.push({ name, text: lines(rows) });
        (options.dateOrder ??= {})[name] = 'dmy';
      });
      break;
    case 'fred':
      tickers.forEach((t, k) => files.push({ name: `${t}.csv`, text: lines([`DATE,${t}`, ...iso.map((d, i) => `${d},${vals[k]![i]!.plain}`)]) }));
      break;
  }
  return { files, options, expected, days };
}

describe('generated valid files round-trip exactly', () => {
  const layouts: Layout[] = ['yahoo', 'wide', 'long', 'stooq-bulk', 'investing', 'yfinance', 'european', 'fred'];
  for (const layout of layouts) {
    it(layout, () => {
      const arb = fc.record({
        tickers: fc.uniqueArray(tickerArb, { minLength: 1, maxLength: 4 }),
        days: datesArb,
        eol: fc.constantFrom('\n', '\r\n'),
        dmy: fc.boolean(),
      }).chain(({ tickers, days, eol, dmy }) => fc.record({
        tickers: fc.constant(tickers), days: fc.constant(days), eol: fc.constant(eol), dmy: fc.constant(dmy),
        vals: fc.array(fc.array(decArb(layout === 'fred'), { minLength: days.length, maxLength: days.length }), { minLength: tickers.length, maxLength: tickers.length }),
      }));
      fc.assert(fc.property(arb, ({ tickers, days, eol, dmy, vals }) => {
        const c = build(layout, tickers, days, vals, eol, dmy);
        const r = importFiles(c.files, c.options);
        expect(r.ambiguities).toEqual([]);
        for (const rep of r.reports) expect(rep.accepted).toBe(true);
        expect(r.panel).not.toBeNull();
        expect(r.panel!.dates).toEqual(days.map(isoFromDay));
        expect(r.panel!.series.map((s) => s.ticker).sort()).toEqual([...tickers].sort());
        for (const t of tickers) {
          const s = r.panel!.series.find((x) => x.ticker === t)!;
          expect(s.kind).toBe(layout === 'fred' ? 'level' : 'price');
          expect(Array.from(s.values)).toEqual(c.expected[t]);
        }
      }), { numRuns: 60 });
    });
  }
});
