// Alignment (method.md §1, data-formats.md rule 7): common dates of market and factors, forward
// fill of missing prices limited to maxForwardFill, levels by last known value, never backwards,
// and who sets the start and the end.
import { describe, it, expect } from 'vitest';
import { buildPanel } from '../../../src/core/data/align.ts';
import { rebuildPanel } from '../../../src/core/data/panel-util.ts';
import { series, values, weekdays, issuesMatching } from './helpers.ts';

const D = weekdays('2024-01-01', 20); // 2024-01-01 … 2024-01-26, weekdays

function ramp(n: number, start = 100): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

describe('calendar', () => {
  it('common dates of market and factors; the late starter sets the start, the early ender the end', () => {
    const spy = series('SPY', D, ramp(20));
    const qual = series('QUAL', D.slice(5), ramp(15, 50));
    const mtum = series('MTUM', D.slice(0, 17), ramp(17, 70));
    const { panel, report } = buildPanel([mtum, qual, spy]);
    expect(panel!.dates).toEqual(D.slice(5, 17));
    expect(panel!.series.map((s) => [s.ticker, s.role])).toEqual([['SPY', 'market'], ['QUAL', 'factor'], ['MTUM', 'factor']]);
    expect(report!.startSetBy).toBe('QUAL');
    expect(report!.endSetBy).toBe('MTUM');
    expect(report!.message).toContain(`range starts ${D[5]} because QUAL starts then`);
    expect(report!.message).toContain(`ends ${D[16]} because MTUM ends then`);
    expect(values(panel, 'SPY')).toEqual(ramp(20).slice(5, 17));
    expect(values(panel, 'QUAL')).toEqual(ramp(15, 50).slice(0, 12));
    expect(report!.assets.find((a) => a.ticker === 'SPY')).toMatchObject({ firstDate: D[0], lastDate: D[19], rows: 20 });
  });

  it('a date one asset has no row for is left out, and said so', () => {
    const spy = series('SPY', D, ramp(20));
    const qual = series('QUAL', D.filter((_, i) => i !== 7), ramp(19, 50));
    const { panel, report } = buildPanel([spy, qual]);
    expect(panel!.dates).toEqual(D.filter((_, i) => i !== 7));
    expect(issuesMatching(report!.issues, new RegExp(`QUAL has no row on 1 date.*${D[7]}`))).toHaveLength(1);
  });

  it('no common date: no panel, the report explains', () => {
    const { panel, report } = buildPanel([series('SPY', D.slice(0, 5), ramp(5)), series('QUAL', D.slice(10), ramp(10))]);
    expect(panel).toBeNull();
    expect(report!.message).toMatch(/no date is common to market and factors: SPY .*, QUAL/);
    expect(report!.rows).toBe(0);
  });

  it('no series: no panel and no report', () => {
    expect(buildPanel([])).toEqual({ panel: null, report: null });
  });
});

describe('forward fill of missing prices (method.md §1: at most a few days, never backwards)', () => {
  const vals = ramp(20);
  vals[3] = NaN; vals[4] = NaN; // a 2-day hole
  vals[10] = NaN; vals[11] = NaN; vals[12] = NaN; vals[13] = NaN; // a 4-day hole
  vals[0] = NaN; // nothing before it to fill from

  it('holes up to maxForwardFill are filled from the previous price; longer ones and leading ones drop the dates', () => {
    const { panel, report } = buildPanel([series('SPY', D, ramp(20, 500)), series('QUAL', D, vals)], { maxForwardFill: 3 });
    const kept = D.filter((_, i) => i !== 0 && !(i >= 10 && i <= 13));
    expect(panel!.dates).toEqual(kept);
    const q = values(panel, 'QUAL');
    expect(q[kept.indexOf(D[3]!)]).toBe(102);
    expect(q[kept.indexOf(D[4]!)]).toBe(102);
    expect(issuesMatching(report!.issues, /QUAL: 2 missing price\(s\) forward-filled/)).toHaveLength(1);
    expect(issuesMatching(report!.issues, new RegExp(`QUAL has no price on 4 consecutive date\\(s\\) from ${D[10]} to ${D[13]}, more than the 3-day`))).toHaveLength(1);
  });

  it('maxForwardFill 0 fills nothing; 4 fills the 4-day hole too', () => {
    const zero = buildPanel([series('SPY', D, ramp(20, 500)), series('QUAL', D, vals)], { maxForwardFill: 0 });
    expect(zero.panel!.dates).toHaveLength(20 - 1 - 2 - 4);
    const four = buildPanel([series('SPY', D, ramp(20, 500)), series('QUAL', D, vals)], { maxForwardFill: 4 });
    expect(four.panel!.dates).toEqual(D.slice(1));
    expect(values(four.panel, 'QUAL')[12]).toBe(109); // D[13] carries D[9]'s price
  });
});

describe('environment levels (last known value, forward only)', () => {
  it('fill holidays and carry past their end with a warning; an environment series that starts later sets the start', () => {
    const spy = series('SPY', D, ramp(20));
    const vixDates = D.slice(2, 15).filter((_, i) => i !== 4);
    const vix = series('VIX', vixDates, vixDates.map((_, i) => 15 + i), 'level');
    const { panel, report } = buildPanel([spy, vix]);
    expect(panel!.dates).toEqual(D.slice(2));
    expect(report!.startSetBy).toBe('VIX');
    const v = values(panel, 'VIX');
    expect(v[4]).toBe(v[3]); // D[6] missing in VIX: previous value
    expect(v.slice(13)).toEqual(Array(5).fill(v[12])); // after its last observation D[14]
    expect(issuesMatching(report!.issues, new RegExp(`VIX ends ${D[14]}.*carried forward over the last 5 trading day`))[0]).toMatchObject({ severity: 'warning' });
    expect(report!.message).toContain('range starts');
    expect(report!.message).toContain('because VIX starts then');
  });

  it('an environment value dated between two trading days is used from the next trading day on', () => {
    const spy = series('SPY', ['2024-01-02', '2024-01-04', '2024-01-05'], [1, 2, 3]);
    const y = series('DGS2', ['2024-01-02', '2024-01-03', '2024-01-05'], [4.1, 4.2, 4.3], 'level');
    expect(values(buildPanel([spy, y]).panel, 'DGS2')).toEqual([4.1, 4.2, 4.3]);
  });
});

describe('unused price series', () => {
  it('do not restrict the calendar; their missing dates are empty (NaN)', () => {
    const spy = series('SPY', D, ramp(20));
    const other = series('ARKK', D.slice(8), ramp(12, 40));
    const { panel, report } = buildPanel([spy, other]);
    expect(panel!.dates).toEqual(D);
    const a = values(panel, 'ARKK');
    expect(a.slice(0, 8).every(Number.isNaN)).toBe(true);
    expect(a.slice(8)).toEqual(ramp(12, 40));
    expect(issuesMatching(report!.issues, /ARKK \(unused\) has no value on 8 of the panel's 20 dates/)).toHaveLength(1);
  });

  it('giving one a factor role (rebuildPanel) re-aligns the stored panel on it', () => {
    const { panel } = buildPanel([series('SPY', D, ramp(20)), series('ARKK', D.slice(8), ramp(12, 40))]);
    const re = rebuildPanel(panel!, { roles: { ARKK: 'factor' } });
    expect(re.panel!.dates).toEqual(D.slice(8));
    expect(re.panel!.series.map((s) => [s.ticker, s.role])).toEqual([['SPY', 'market'], ['ARKK', 'factor']]);
    expect(re.report!.startSetBy).toBe('ARKK');
  });
});
