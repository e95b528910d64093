// Numbers and dates for people (src/app/format.ts). Expected strings written out by hand.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatPercent, formatNumber, formatInteger, formatRatio, formatDate, formatDateRange, formatDateTime,
  formatBytes, formatDuration, formatList, plural, MISSING,
  formatPercentExact, percentInputText, parsePercentInput, parseDateInput, formatMessage,
} from '../../../src/app/format.ts';

describe('format', () => {
  it('percent: one decimal from 10% up, two below, sign on request, no negative zero', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0.01234)).toBe('1.23%');
    expect(formatPercent(0.0004)).toBe('0.04%');
    expect(formatPercent(-0.5)).toBe('-50.0%');
    expect(formatPercent(12.3456)).toBe('1,234.6%');
    expect(formatPercent(0.0999)).toBe('9.99%');
    expect(formatPercent(0.09999)).toBe('10.0%'); // rounds up into the one-decimal band, not "10.00%"
    expect(formatPercent(0.05, { signed: true })).toBe('+5.00%');
    expect(formatPercent(-0.00001)).toBe('0.00%');
    expect(formatPercent(0.123456, { digits: 3 })).toBe('12.346%');
    expect(formatPercent(NaN)).toBe(MISSING);
    expect(formatPercent(undefined)).toBe(MISSING);
    expect(formatPercent(Infinity)).toBe(MISSING);
  });

  it('numbers with thousands separators', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(-0.004)).toBe('0.00');
    expect(formatNumber(0.5, 0)).toBe('1');
    expect(formatNumber(2, 1, true)).toBe('+2.0');
    expect(formatInteger(78123)).toBe('78,123');
    expect(formatInteger(null)).toBe(MISSING);
    expect(formatRatio(0.8549)).toBe('0.85');
    expect(formatRatio(-1.2)).toBe('-1.20');
  });

  it('dates as "18 Jul 2013", never shifted by a time zone', () => {
    expect(formatDate('2013-07-18')).toBe('18 Jul 2013');
    expect(formatDate('2000-01-01')).toBe('1 Jan 2000');
    expect(formatDate('1999-12-31T23:00:00Z')).toBe('31 Dec 1999');
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatDate('')).toBe(MISSING);
    expect(formatDateRange('2005-01-03', '2025-12-31')).toBe('3 Jan 2005 – 31 Dec 2025');
    const local = new Date(2025, 10, 22, 9, 5);
    expect(formatDateTime(local.getTime())).toBe('22 Nov 2025, 09:05');
    expect(formatDateTime('garbage')).toBe(MISSING);
  });

  it('formats every valid ISO date into day, month name and year', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString().slice(0, 10);
      const [y, m, day] = iso.split('-').map(Number);
      const s = formatDate(iso);
      expect(s).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
      expect(s.split(' ')[0]).toBe(String(day));
      expect(s.split(' ')[2]).toBe(String(y));
      expect(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(s.split(' ')[1])).toBe(m - 1);
    }), { seed: 7 });
  });

  it('bytes, durations, lists', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(52_428_800)).toBe('50.0 MB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe(MISSING);
    expect(formatList(['SPY'])).toBe('SPY');
    expect(formatList(['SPY', 'QUAL'])).toBe('SPY and QUAL');
    expect(formatList(['SPY', 'QUAL', 'MTUM'])).toBe('SPY, QUAL and MTUM');
    expect(formatList(['SPY', 'QUAL', 'MTUM', 'USMV', 'VLUE'])).toBe('SPY, QUAL, MTUM and 2 more');
    expect(formatList([])).toBe(MISSING);
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(1200, 'row')).toBe('1,200 rows');
  });

  it('percent settings: written and read back exactly', () => {
    expect(formatPercentExact(0.02)).toBe('2%');
    expect(formatPercentExact(0.015)).toBe('1.5%');
    expect(formatPercentExact(-0.05)).toBe('-5%');
    expect(formatPercentExact(0.011)).toBe('1.1%'); // not 1.0999999999999999%
    expect(formatPercentExact(NaN)).toBe(MISSING);
    expect(percentInputText(0.02)).toBe('2');
    expect(percentInputText(-0)).toBe('0');
    expect(percentInputText(0.07)).toBe('7'); // 0.07 × 100 is 7.000000000000001 in floating point
    expect(parsePercentInput(percentInputText(0.012345678901234))).toBe(0.012345678901234);
    expect(parsePercentInput('2')).toBe(0.02);
    expect(parsePercentInput('2%')).toBe(0.02);
    expect(parsePercentInput(' 1.1 % ')).toBe(0.011);
    expect(parsePercentInput('−2')).toBe(-0.02);
    expect(parsePercentInput('.5')).toBe(0.005);
    for (const bad of ['', 'two', '1,5', '2%%', '0x10', '1e3']) expect(parsePercentInput(bad), bad).toBeNull();
    // every value shown reads back as itself
    fc.assert(fc.property(fc.integer({ min: -10_000, max: 10_000 }), (k) => {
      const x = k / 10_000;
      expect(parsePercentInput(percentInputText(x))).toBe(x === 0 ? 0 : x);
    }), { seed: 3 });
  });

  it('dates typed by people: the app\'s own format, month names, ISO; never a guess of day/month order', () => {
    expect(parseDateInput('18 Jul 2013')).toEqual({ iso: '2013-07-18' });
    expect(parseDateInput(' 18  july 2013 ')).toEqual({ iso: '2013-07-18' });
    expect(parseDateInput('Jul 18, 2013')).toEqual({ iso: '2013-07-18' });
    expect(parseDateInput('2013-07-18')).toEqual({ iso: '2013-07-18' });
    expect(parseDateInput('29 Feb 2020')).toEqual({ iso: '2020-02-29' });
    expect(parseDateInput('')).toEqual({ iso: null });
    expect(parseDateInput('29 Feb 2021')).toEqual({ error: '"29 Feb 2021" is not a date: write it as 18 Jul 2013 (or YYYY-MM-DD)' });
    expect(parseDateInput('07/08/2013')).toMatchObject({ error: expect.stringContaining('without guessing the order of day and month') });
    expect(parseDateInput('someday')).toMatchObject({ error: expect.stringContaining('write it as 18 Jul 2013') });
    fc.assert(fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString().slice(0, 10);
      expect(parseDateInput(formatDate(iso))).toEqual({ iso }); // what the app writes, it reads
    }), { seed: 11 });
  });

  it('messages from core: dates and counts written the app\'s way, names and years left alone', () => {
    expect(formatMessage('3217 trading days from 2013-01-02 to 2025-12-31: range starts 2013-01-02 because SPY starts then.'))
      .toBe('3,217 trading days from 2 Jan 2013 to 31 Dec 2025: range starts 2 Jan 2013 because SPY starts then.');
    expect(formatMessage('Jump penalty λ: 200000 is out of range: allowed 0 to 100000')).toBe('Jump penalty λ: 200,000 is out of range: allowed 0 to 100,000');
    expect(formatMessage('since 2013, 1500 rows in prices-2020-01-02.csv; hash 1234567abc; 0.123456; v12345')).toBe('since 2013, 1,500 rows in prices-2020-01-02.csv; hash 1234567abc; 0.123456; v12345');
    expect(formatMessage('ends 2020-01-02.')).toBe('ends 2 Jan 2020.');
    expect(formatMessage('2 rows')).toBe('2 rows');
    expect(formatMessage('Covariance halflife: 3000 is out of range: allowed 5 to 2520')).toBe('Covariance halflife: 3,000 is out of range: allowed 5 to 2,520');
    expect(formatMessage('2013 rows from 2013 on')).toBe('2,013 rows from 2013 on');
    expect(formatMessage('SPY has no row on 1 date(s); QUAL on 1200 date(s)')).toBe('SPY has no row on 1 date; QUAL on 1,200 dates');
  });
});
