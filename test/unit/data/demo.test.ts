// The demo data set: deterministic for a seed, realistic in size (market vol ≈ 16 %/yr,
// factor active vol 2-8 %/yr), persistent regimes, VIX bursts in crises, yields that move like
// yields; its CSV files re-import to the same panel, and public/demo holds exactly those files.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulateDemo, generateDemoPanel, panelToCsvFiles, DEMO_DATASET_NAME, DEMO_SEED, businessDays } from '../../../src/core/data/demo.ts';
import { importFiles } from '../../../src/core/data/import.ts';
import { panelHash } from '../../../src/core/hash.ts';
import { DEFAULT_FACTORS } from '../../../src/core/data/panel.ts';
import { values } from './helpers.ts';

function std(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - m) ** 2;
  return Math.sqrt(v / (a.length - 1));
}
function returns(p: number[]): Float64Array {
  const r = new Float64Array(p.length - 1);
  for (let i = 1; i < p.length; i++) r[i - 1] = p[i]! / p[i - 1]! - 1;
  return r;
}
/** Mean length of runs of equal labels. */
function meanRun(labels: Uint8Array): number {
  let runs = 1;
  for (let i = 1; i < labels.length; i++) if (labels[i] !== labels[i - 1]) runs++;
  return labels.length / runs;
}

const sim = simulateDemo(DEMO_SEED);
const panel = sim.panel;

describe('demo panel shape', () => {
  it('ten series with default roles over 2004-01-02 … 2025-12-31 business days', () => {
    expect(DEMO_DATASET_NAME).toBe('Demo (simulated)');
    expect(panel.series.map((s) => [s.ticker, s.role, s.kind])).toEqual([
      ['SPY', 'market', 'price'], ['QUAL', 'factor', 'price'], ['MTUM', 'factor', 'price'], ['USMV', 'factor', 'price'],
      ['VLUE', 'factor', 'price'], ['SIZE', 'factor', 'price'], ['IWF', 'factor', 'price'],
      ['VIX', 'environment', 'level'], ['DGS2', 'environment', 'level'], ['DGS10', 'environment', 'level'],
    ]);
    expect(panel.dates[0]).toBe('2004-01-02');
    expect(panel.dates[panel.dates.length - 1]).toBe('2025-12-31');
    expect(panel.dates.length).toBeGreaterThan(20 * 250);
    expect(panel.dates).not.toContain('2024-12-25');
    expect(panel.dates).not.toContain('2024-11-28'); // Thanksgiving
    for (const s of panel.series) {
      expect(s.values.length).toBe(panel.dates.length);
      expect(s.values.every(Number.isFinite)).toBe(true);
      if (s.kind === 'price') expect(s.values.every((v) => v > 0)).toBe(true);
    }
  });

  it('business days: weekdays only', () => {
    const d = businessDays('2024-12-23', '2025-01-03');
    expect(d.length).toBe(8); // 23, 24, 26, 27, 30, 31 Dec; 2, 3 Jan
  });
});

describe('determinism', () => {
  it('the same seed gives identical arrays and hash; another seed differs', async () => {
    const again = generateDemoPanel(DEMO_SEED);
    expect(again.dates).toEqual(panel.dates);
    for (let k = 0; k < panel.series.length; k++) expect(Array.from(again.series[k]!.values)).toEqual(Array.from(panel.series[k]!.values));
    expect(await panelHash(again)).toBe(await panelHash(panel));
    const other = generateDemoPanel(DEMO_SEED + 1);
    expect(await panelHash(other)).not.toBe(await panelHash(panel));
  });
});

describe('statistical properties', () => {
  const seeds = [DEMO_SEED, 1, 7, 2024];
  it.each(seeds)('seed %i: market volatility 12-20 %/yr, factor active volatility 2-8 %/yr', (seed) => {
    const p = generateDemoPanel(seed);
    const rm = returns(values(p, 'SPY'));
    const marketVol = std(rm) * Math.sqrt(252);
    expect(marketVol).toBeGreaterThan(0.12);
    expect(marketVol).toBeLessThan(0.20);
    for (const f of DEFAULT_FACTORS) {
      const rf = returns(values(p, f));
      const active = rf.map((x, i) => x - rm[i]!);
      const te = std(active) * Math.sqrt(252);
      expect(te, f).toBeGreaterThan(0.02);
      expect(te, f).toBeLessThan(0.08);
    }
  });

  it('regimes are persistent (mean run of months) and bull earns more than bear in every factor', () => {
    expect(meanRun(sim.marketRegime)).toBeGreaterThan(60);
    const rm = returns(values(panel, 'SPY'));
    for (const f of DEFAULT_FACTORS) {
      const reg = sim.factorRegimes[f]!;
      expect(meanRun(reg), f).toBeGreaterThan(60); // ≈ 3 months or more
      const rf = returns(values(panel, f));
      let bull = 0, nb = 0, bear = 0, nr = 0;
      for (let i = 0; i < rf.length; i++) {
        const a = rf[i]! - rm[i]!;
        if (reg[i + 1] === 0) { bull += a; nb++; } else { bear += a; nr++; }
      }
      expect(nb, f).toBeGreaterThan(500);
      expect(nr, f).toBeGreaterThan(500);
      expect((bull / nb - bear / nr) * 252, f).toBeGreaterThan(0.03);
    }
  });

  it('VIX: higher in crises, mean-reverting, within 9-90', () => {
    const vix = values(panel, 'VIX');
    let calm = 0, nc = 0, crisis = 0, nk = 0;
    vix.forEach((v, i) => { if (sim.marketRegime[i] === 0) { calm += v; nc++; } else { crisis += v; nk++; } });
    expect(nk).toBeGreaterThan(100);
    expect(crisis / nk).toBeGreaterThan(1.5 * (calm / nc));
    expect(Math.min(...vix)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...vix)).toBeLessThanOrEqual(90);
    // Falls in the market go with rises in VIX.
    const rm = returns(values(panel, 'SPY'));
    let cov = 0;
    for (let i = 1; i < vix.length; i++) cov += (Math.log(vix[i]!) - Math.log(vix[i - 1]!)) * rm[i - 1]!;
    expect(cov).toBeLessThan(0);
  });

  it('yields: non-negative, daily changes of a few basis points, 10-year mostly above 2-year', () => {
    const y2 = values(panel, 'DGS2'), y10 = values(panel, 'DGS10');
    expect(Math.min(...y2)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...y2)).toBeLessThan(10);
    expect(Math.max(...y10)).toBeLessThan(12);
    const d2 = y2.slice(1).map((v, i) => (v - y2[i]!) * 100);
    const d10 = y10.slice(1).map((v, i) => (v - y10[i]!) * 100);
    for (const d of [d2, d10]) {
      const s = std(d);
      expect(s).toBeGreaterThan(2);
      expect(s).toBeLessThan(12);
    }
    const above = y10.filter((v, i) => v > y2[i]!).length;
    expect(above / y10.length).toBeGreaterThan(0.7);
  });
});

describe('CSV files', () => {
  it('Yahoo-style Date,Adj Close per ETF and FRED-style DATE,<id> per level; re-import gives the same panel', async () => {
    const files = panelToCsvFiles(panel);
    expect(files.map((f) => f.name)).toEqual(['SPY.csv', 'QUAL.csv', 'MTUM.csv', 'USMV.csv', 'VLUE.csv', 'SIZE.csv', 'IWF.csv', 'VIXCLS.csv', 'DGS2.csv', 'DGS10.csv']);
    expect(files[0]!.text.split('\n')[0]).toBe('Date,Adj Close');
    expect(files[7]!.text.split('\n')[0]).toBe('DATE,VIXCLS');
    const r = importFiles(files.map((f) => ({ name: f.name, text: f.text })));
    expect(r.reports.every((x) => x.accepted)).toBe(true);
    expect(r.panel!.dates).toEqual(panel.dates);
    for (const s of panel.series) {
      const t = r.panel!.series.find((x) => x.ticker === s.ticker)!;
      expect([t.role, t.kind]).toEqual([s.role, s.kind]);
      expect(Array.from(t.values)).toEqual(Array.from(s.values));
    }
    expect(await panelHash(r.panel!)).toBe(await panelHash(panel));
  });

  const dir = fileURLToPath(new URL('../../../public/demo/', import.meta.url));
  it.skipIf(!existsSync(`${dir}manifest.json`))('public/demo holds exactly these files (regenerate: npm run -s cli -- demo --out public/demo)', async () => {
    const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as { seed: number; hash: string; files: string[]; name: string; simulated: boolean };
    expect(manifest).toMatchObject({ seed: DEMO_SEED, name: DEMO_DATASET_NAME, simulated: true });
    expect(manifest.hash).toBe(await panelHash(panel));
    const files = panelToCsvFiles(panel);
    expect(manifest.files).toEqual(files.map((f) => f.name));
    for (const f of files) expect(readFileSync(dir + f.name, 'utf8'), f.name).toBe(f.text);
  });
});
