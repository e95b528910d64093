// Shared fixtures of the backtest tests: a calendar of business days, and a small but complete
// run (2 factors, 4-6 year windows, quarterly refits, both strategies) on simulated data.
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import { defaultConfig, type RunConfig } from '../../../src/core/config.ts';

/** `n` weekdays from `from` (ISO), holidays ignored. */
export function businessDays(from: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A small but complete run: 2 factors, 4-6 year windows, quarterly refits, both strategies. */
export function smallConfig(): RunConfig {
  const c = defaultConfig();
  c.factors = [{ ticker: 'QUAL' }, { ticker: 'MTUM' }];
  c.trainMinYears = 4; c.trainMaxYears = 6;
  c.refitFrequency = 'quarterly';
  c.model.nInit = 3;
  c.model.maxFeatures = 4;
  return c;
}

/** Simulated data 2010-2016 (seed 7): out of sample from 2014 with smallConfig(). */
export const smallPanel = () => generateDemoPanel(7, { start: '2010-01-01', end: '2016-12-31' });
