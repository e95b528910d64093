// Number reading (data-formats.md rule 4).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { detectDecimalComma, isMissingSentinel, isMissingToken, parseNumber, parsePlainAt } from '../../../src/core/data/numbers.ts';

describe('parseNumber', () => {
  it('plain decimals are read exactly as Number() reads them', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(parseNumber(String(x), false), Number(String(x)))));
  });
  it('thousands separators, quotes removed by the tokenizer, currency, percent, parentheses', () => {
    expect(parseNumber('1,234.56', false)).toBe(1234.56);
    expect(parseNumber('1,234,567', false)).toBe(1234567);
    expect(parseNumber('$1,234.50', false)).toBe(1234.5);
    expect(parseNumber('-0.65%', false)).toBe(-0.65);
    expect(parseNumber('(12.5)', false)).toBe(-12.5);
    expect(parseNumber("1'234.5", false)).toBe(1234.5);
  });
  it('decimal comma: 12,34 and 1.234,56 and 1 234,5', () => {
    expect(parseNumber('12,34', true)).toBe(12.34);
    expect(parseNumber('1.234,56', true)).toBe(1234.56);
    expect(parseNumber('1\u00a0234,5', true)).toBe(1234.5);
    expect(parseNumber('4.783,45', true)).toBe(4783.45);
  });
  it('K/M/B volume suffixes', () => {
    expect(parseNumber('612.40K', false)).toBeCloseTo(612400, 6);
    expect(parseNumber('1.02M', false)).toBeCloseTo(1020000, 6);
    expect(parseNumber('2.86B', false)).toBeCloseTo(2.86e9, 0);
    expect(parseNumber('1,5M', true)).toBeCloseTo(1.5e6, 6);
  });
  it('not numbers', () => {
    for (const s of ['abc', '1.2.3', '', '0x10', 'Infinity', '1e', '--1', 'K']) expect(parseNumber(s, false)).toBeNaN();
  });
});

describe('parsePlainAt (the no-allocation fast path)', () => {
  it('gives exactly Number() of the decimal, or NaN to send the cell down the string path', () => {
    const dec = fc.tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,17}$/), fc.option(fc.stringMatching(/^[0-9]{0,12}$/)), fc.constantFrom('', ' ', '  '))
      .map(([neg, int, frac, pad]) => `${pad}${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${pad}`);
    fc.assert(fc.property(dec, (s) => {
      const v = parsePlainAt(s, 0, s.length, false);
      return Number.isNaN(v) || Object.is(v, Number(s.trim()));
    }), { numRuns: 5000 });
    expect(parsePlainAt('12,5', 0, 4, true)).toBe(12.5);
    expect(parsePlainAt('  2.96', 0, 6, false)).toBe(2.96);
    for (const s of ['1,234.5', '1e5', '.', '', '-', '12.5.1', '1.234,5']) expect(parsePlainAt(s, 0, s.length, false)).toBeNaN();
    expect(parsePlainAt('1234567890123456', 0, 16, false)).toBeNaN(); // 16 digits: string path
  });
});

describe('missing values', () => {
  it('null, empty, NaN, ".", -99.99 and friends', () => {
    for (const s of ['', 'null', 'NULL', 'NaN', 'nan', '.', 'N/A', '#N/A', 'NA', '-', 'None']) expect(isMissingToken(s)).toBe(true);
    for (const s of ['0', '1.5', 'SPY']) expect(isMissingToken(s)).toBe(false);
    expect(isMissingSentinel(parseNumber('-99.99', false))).toBe(true);
    expect(isMissingSentinel(parseNumber('-999', false))).toBe(true);
    expect(isMissingSentinel(-99.98)).toBe(false);
  });
});

describe('decimal comma or point, per column', () => {
  it('decides from unambiguous cells, else from the delimiter', () => {
    expect(detectDecimalComma(['472,65', '470,10'], ';')).toBe(true);
    expect(detectDecimalComma(['4.783,45', '4.780,24'], ';')).toBe(true);
    expect(detectDecimalComma(['5,117.09', '5,150.48'], ',')).toBe(false);
    expect(detectDecimalComma(['1,234,567'], ',')).toBe(false);
    expect(detectDecimalComma(['12.5', '13.25'], ';')).toBe(false);
    // "1,234" alone could be either: the delimiter decides.
    expect(detectDecimalComma(['1,234'], ';')).toBe(true);
    expect(detectDecimalComma(['1,234'], ',')).toBe(false);
  });
});
