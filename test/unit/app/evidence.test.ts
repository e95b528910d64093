// The evidence in words (src/app/evidence.ts): what the Backtest, Periods and Compare screens say.
import { describe, it, expect } from 'vitest';
import { sharpeSentence, activeSentence, formatInterval, formatYears, formatProbability, verdict } from '../../../src/app/evidence.ts';

describe('evidence sentences', () => {
  it('a Sharpe ratio whose interval includes zero cannot be told from zero; the track record it needs is given', () => {
    const s = sharpeSentence({ sharpe: 0.64, sharpeCI: [-0.13, 1.53], probabilisticSharpe: 0.903, minTrackRecordYears: 6.6, days: 1043 });
    expect(s).toBe('Sharpe 0.64, 95% interval -0.13 to 1.53: it cannot be told from zero at 95%: the interval includes zero (probability that the true Sharpe ratio is above zero: 90.3%). '
      + 'Returns like these would need about 6.6 years for 95% confidence that the Sharpe ratio is above zero; this run has 4.1 years.');
  });
  it('an interval above zero can be told from zero; a long enough run says so', () => {
    const s = sharpeSentence({ sharpe: 1.2, sharpeCI: [0.3, 2.1], probabilisticSharpe: 0.99, minTrackRecordYears: 2.5, days: 2520 });
    expect(s).toContain('it can be told from zero at 95%: the interval lies above zero');
    expect(s).toContain('The 10.0 years of this run are more than the 2.5 years that returns like these need');
  });
  it('an information ratio against a benchmark, with the active return interval; a negative one needs no track record', () => {
    const a = activeSentence('EW', { informationRatio: 0.17, informationRatioCI: [-0.75, 1.05], activeReturn: 0.0036, activeReturnCI: [-0.0159, 0.022], informationRatioMinTrackRecordYears: 91.5, days: 1043 });
    expect(a).toContain('Against EW: information ratio 0.17, 95% interval -0.75 to 1.05 (active return 0.36% a year, interval -1.59% to 2.20%): it cannot be told from EW at 95%.');
    expect(a).toContain('about 91.5 years');
    const b = activeSentence('the market', { informationRatio: -0.9, informationRatioCI: [-1.6, -0.1], activeReturn: -0.02, activeReturnCI: [-0.04, -0.001], days: 1000 });
    expect(b).toContain('it can be told from the market at 95%: it fell short of it');
    expect(b).toContain('With the information ratio at or below zero, no track record length would show it above zero.');
  });
  it('a result of an older version has no interval, and says so', () => {
    expect(sharpeSentence({ sharpe: 0.5, days: 500 })).toContain('older version of Helix');
  });
  it('formats intervals, years and probabilities', () => {
    expect(formatInterval([0.1, 1.234])).toBe('0.10 to 1.23');
    expect(formatInterval([-0.0159, 0.022], true)).toBe('-1.59% to 2.20%');
    expect(formatInterval(null)).toBe('—');
    expect(formatYears(1)).toBe('1.0 year');
    expect(formatYears(250)).toBe('more than 100 years');
    expect(formatProbability(0.9031)).toBe('90.3%');
    expect(verdict([0.1, 0.2])).toBe('above');
    expect(verdict([-0.2, -0.1])).toBe('below');
    expect(verdict(undefined)).toBe('unknown');
  });
});
