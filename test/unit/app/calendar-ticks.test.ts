// Date-axis ticks (src/app/charts/calendar-ticks.ts): every tick on the first trading day of the
// period its label names. Calendars are weekdays (holidays make no difference to the rule: the
// first trading day is whatever date comes first in a period).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { calendarTicks } from '../../../src/app/charts/calendar-ticks.ts';
import { MONTHS } from '../../../src/app/format.ts';
import { weekdays } from '../data/helpers.ts';

/** The invariants every result must meet. */
function checkTicks(dates: string[], maxTicks: number, from = 0, to = dates.length - 1): ReturnType<typeof calendarTicks> {
  const r = calendarTicks(dates, maxTicks, from, to);
  expect(r.ticks.length).toBeLessThanOrEqual(Math.max(2, maxTicks));
  let prev = -1;
  for (const t of r.ticks) {
    expect(Number.isInteger(t.index)).toBe(true);
    expect(t.index).toBeGreaterThan(prev);
    expect(t.index).toBeGreaterThanOrEqual(from);
    expect(t.index).toBeLessThanOrEqual(to);
    prev = t.index;
    const d = dates[t.index]!;
    const before = dates[t.index - 1];
    if (r.unit === 'year') {
      expect(t.label).toBe(d.slice(0, 4));
      expect(Number(d.slice(0, 4)) % r.step).toBe(0);
      expect(d.slice(5, 7)).toBe('01');
      // the first trading day of the year: the day before is in an earlier year, or the data start in the first week
      if (before !== undefined) expect(before.slice(0, 4) < d.slice(0, 4)).toBe(true);
      else expect(Number(d.slice(8, 10))).toBeLessThanOrEqual(7);
    } else if (r.unit === 'month') {
      const m = Number(d.slice(5, 7));
      expect((m - 1) % r.step).toBe(0);
      expect(t.label.startsWith(MONTHS[m - 1]!)).toBe(true);
      if (t.label.includes(' ')) expect(t.label).toBe(`${MONTHS[m - 1]} ${d.slice(0, 4)}`);
      if (before !== undefined) expect(before.slice(0, 7) < d.slice(0, 7)).toBe(true);
      else expect(Number(d.slice(8, 10))).toBeLessThanOrEqual(7);
    } else {
      expect(t.label.startsWith(`${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]}`)).toBe(true);
    }
  }
  return r;
}

describe('calendarTicks', () => {
  it('a long daily history: years, each at the first trading day of its year, labelled with it', () => {
    const dates = weekdays('2013-01-02', 252 * 8); // 2 Jan 2013 … late 2020
    const r = checkTicks(dates, 9);
    expect(r.unit).toBe('year');
    expect(r.step).toBe(1);
    expect(r.ticks.map((t) => t.label)).toEqual(['2013', '2014', '2015', '2016', '2017', '2018', '2019', '2020']);
    expect(r.ticks.map((t) => dates[t.index])).toEqual(['2013-01-02', '2014-01-01', '2015-01-01', '2016-01-01', '2017-01-02', '2018-01-01', '2019-01-01', '2020-01-01']);
  });

  it('data starting mid-year: no tick at the first day (it is not the start of a year)', () => {
    // the real-data bug: "2021 2022 … 2025 2025 2025" and a "2023" tick in November 2023
    const dates = weekdays('2023-11-15', 600);
    const r = checkTicks(dates, 8);
    expect(r.ticks[0]!.index).toBeGreaterThan(0);
    expect(r.ticks.map((t) => t.label)).not.toContain('2023');
    expect(r.ticks.map((t) => t.label)).not.toContain('Nov 2023');
    expect(r.ticks[0]!.label).toBe('Jan 2024');
  });

  it('more years than ticks: every 2nd, 5th … year, on years divisible by the step', () => {
    const dates = weekdays('2000-01-03', 252 * 25);
    const r = checkTicks(dates, 8);
    expect(r.unit).toBe('year');
    expect(r.step).toBe(5);
    expect(r.ticks.map((t) => t.label)).toEqual(['2000', '2005', '2010', '2015', '2020']);
    expect(checkTicks(dates, 14).step).toBe(2);
  });

  it('a short window: quarters or months, with the year on January and on the first tick', () => {
    const dates = weekdays('2020-02-10', 200); // mid-Feb 2020 to mid-Nov 2020
    const q = checkTicks(dates, 4);
    expect(q.unit).toBe('month');
    expect(q.step).toBe(3);
    expect(q.ticks.map((t) => t.label)).toEqual(['Apr 2020', 'Jul', 'Oct']);
    const m = checkTicks(dates, 12);
    expect(m.step).toBe(1);
    expect(m.ticks.map((t) => t.label)).toEqual(['Mar 2020', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov']);
    const across = checkTicks(weekdays('2020-10-01', 130), 12);
    expect(across.ticks.map((t) => t.label)).toEqual(['Oct 2020', 'Nov', 'Dec', 'Jan 2021', 'Feb', 'Mar']);
  });

  it('under two months: day ticks', () => {
    const dates = weekdays('2021-03-10', 30);
    const r = checkTicks(dates, 6);
    expect(r.unit).toBe('day');
    expect(r.ticks[0]).toEqual({ index: 0, label: '10 Mar 2021' });
    expect(r.ticks.length).toBeGreaterThanOrEqual(2);
  });

  it('a zoomed range: only ticks inside it', () => {
    const dates = weekdays('2010-01-04', 252 * 10);
    const r = checkTicks(dates, 8, 300, 900);
    expect(r.ticks.every((t) => t.index >= 300 && t.index <= 900)).toBe(true);
  });

  it('empty and one-day series give no error', () => {
    expect(calendarTicks([], 8).ticks).toEqual([]);
    expect(calendarTicks(['2020-01-02'], 8).ticks).toEqual([{ index: 0, label: '2 Jan 2020' }]);
  });

  it('property: any start, length and tick budget gives ticks on period starts, within budget', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 365 * 30 }), fc.integer({ min: 1, max: 252 * 30 }), fc.integer({ min: 2, max: 14 }),
      (offset, n, maxTicks) => {
        const start = new Date(Date.UTC(1995, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        checkTicks(weekdays(start, n), maxTicks);
      },
    ), { numRuns: 150 });
  });
});
