// `npm run -s cli -- import …` end to end (spawned like a person would run it).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FIXTURES } from './helpers.ts';

function cli(...args: string[]) {
  return spawnSync('npx', ['tsx', 'src/cli/main.ts', 'import', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('cli import', () => {
  it('prints each report and the panel summary; exit 0', () => {
    const r = cli(`${FIXTURES}wide/prices.csv`, `${FIXTURES}fred/VIXCLS.csv`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('prices.csv  (generic, wide layout, delimiter ",", dates YYYY-MM-DD, not adjusted)');
    expect(r.stdout).toContain('accepted: SPY (price), QUAL (price), MTUM (price); 5 data rows, 2024-04-01 … 2024-04-05');
    expect(r.stdout).toContain("warning [QUAL]: row 4: no value for QUAL, an empty cell — left missing");
    expect(r.stdout).toContain('Panel: 5 trading days, 2024-04-01 … 2024-04-05; 3 price assets (market + factors), 1 environment series');
    expect(r.stdout).toMatch(/SPY\s+market\s+price\s+2024-04-01\s+2024-04-05\s+5/);
    expect(r.stdout).toMatch(/VIX\s+environment\s+level/);
    expect(r.stdout).toContain('start set by SPY, QUAL and MTUM');
  });

  it('--json prints the ImportResult with plain arrays', () => {
    const r = cli(`${FIXTURES}yahoo/SPY.csv`, '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { reports: { file: string }[]; panel: { dates: string[]; series: { ticker: string; values: number[] }[] }; ambiguities: unknown[] };
    expect(j.reports[0]!.file).toBe('SPY.csv');
    expect(j.panel.series[0]!.values).toEqual([468.120605, 470.097229, 470.947174, 471.125061, 469.761139, 467.132172, 463.317169]);
    expect(j.ambiguities).toEqual([]);
  });

  it('nothing usable: exit 2 with the reasons on stderr', () => {
    const r = cli(`${FIXTURES}broken/notes.txt`, `${FIXTURES}broken/empty.csv`, '/nonexistent/x.csv');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nothing usable was found');
    expect(r.stderr).toContain('/nonexistent/x.csv: file not found');
    expect(r.stderr).toContain('notes.txt: no data rows found');
    expect(r.stderr).toContain('empty.csv: the file is empty');
  });

  it('--date-order answers the day/month question; without it the file waits and the exit is 2', () => {
    const waiting = cli(`${FIXTURES}ambiguous/prices.csv`);
    expect(waiting.status).toBe(2);
    expect(waiting.stdout).toContain('rerun with --date-order prices.csv=mdy');
    const ok = cli(`${FIXTURES}ambiguous/prices.csv`, '--date-order', 'prices.csv=dmy', '--json');
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as { panel: { dates: string[] } }).panel.dates[0]).toBe('2024-02-01');
  });

  it('--kind and --role map onto the import options; bad values are one-line usage errors', () => {
    const r = cli(`${FIXTURES}returns/STRAT.csv`, '--kind', 'STRAT=percentReturn', '--role', 'STRAT=market', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { reports: { kinds: Record<string, string> }[]; panel: { series: { role: string; values: number[] }[] } };
    expect(j.reports[0]!.kinds).toEqual({ STRAT: 'percentReturn' });
    expect(j.panel.series[0]!.role).toBe('market');
    expect(j.panel.series[0]!.values[1]).toBeCloseTo(100 * (1 - 0.00005), 10);
    const bad = cli(`${FIXTURES}returns/STRAT.csv`, '--kind', 'STRAT=prices');
    expect(bad.status).toBe(2);
    // npx may add its own "npm warn" lines; the command's message is the one other line.
    expect(bad.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'))).toEqual(['error: --kind STRAT=prices: the kind must be price, return, percentReturn or level']);
  });

  it('--help describes the options', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const o of ['--json', '--date-order', '--kind', '--role', '--max-fill']) expect(r.stdout).toContain(o);
  });

  const market = '/work/shared/data/market/';
  it.skipIf(!existsSync(market))('imports the real market directory', () => {
    const r = cli(market);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Panel: 3217 trading days, 2013-07-18 … 2026-05-01; 7 price assets (market + factors), 3 environment series');
  });
});
