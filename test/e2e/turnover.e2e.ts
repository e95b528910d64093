// The turnover controls in real headless Chromium against the built app (method.md §12): the
// settings form shows them with their labels and units, a share link carries them into the form,
// and the "turnover vs net IR" frontier computes one run per value and shows the same numbers as
// `cli report --sweep` (JSON) on the same data and settings.
//
// A small configuration (two factors, 2004-2014, 4-year minimum window, quarterly refits, one
// k-means++ start, symmetric strategy only) keeps each run to seconds.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { encodeShareLink } from '../../src/share/link.ts';
import { applyOverrides, defaultConfig, type RunConfig } from '../../src/core/config.ts';
import { waitForStatus } from './run-helpers.ts';

const MINUTE = 60_000;
const SMALL = ['endDate=2014-12-31', 'factors=QUAL,MTUM', 'trainMinYears=4', 'trainMaxYears=6', 'refitFrequency=quarterly',
  'model.nInit=1', 'model.maxFeatures=4', 'strategies.asymmetric=false'];

function smallConfig(extra: string[] = []): RunConfig {
  const r = applyOverrides(defaultConfig(), [...SMALL, ...extra]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config;
}

function cliSweep(sweep: string): Promise<{ rows: { value: string; strategies: { key: string; annualTurnover: number; informationRatio: number }[] }[] }> {
  return new Promise((resolve, reject) => {
    const args = ['tsx', 'src/cli/main.ts', 'report', '--data', 'demo', '--sweep', sweep, '--json', ...SMALL.flatMap((s) => ['--set', s])];
    const p = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += String(d); });
    p.stderr.on('data', (d: Buffer) => { err += String(d); });
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`cli report --sweep exited ${code}: ${err}`))));
  });
}

let rig: Rig;
let page: Page;
let errors: string[];
let foreign: string[];

beforeAll(async () => {
  rig = await startRig();
  const p = await rig.newPage();
  page = p.page; errors = p.consoleErrors; foreign = p.foreignRequests;
});
afterAll(async () => { await rig?.close(); });

describe('turnover controls in Chromium', () => {
  it('a share link carries the controls into the settings form, which shows them with labels and units', async () => {
    await page.goto(`${rig.baseUrl}#${encodeShareLink(smallConfig(['noTradeBand=0.01', 'rebalance=weekly']))}`);
    await waitForStatus(page, ['done'], 10 * MINUTE);
    await page.locator('[data-testid=settings] > summary').click();
    await expect(page.locator('[data-path="rebalance"]').inputValue()).resolves.toBe('weekly');
    await expect(page.locator('[data-path="noTradeBand"]').inputValue()).resolves.toBe('1'); // a percent setting is shown in percent
    await expect(page.locator('[data-path="tradePenalty"]').inputValue()).resolves.toBe('0');
    const label = (path: string) => page.locator(`label[for="cfg-${path}"]`).textContent();
    await expect(label('rebalance')).resolves.toContain('Strategy trading days');
    await expect(label('noTradeBand')).resolves.toMatch(/No-trade band.*one-way share of the portfolio/);
    await expect(label('tradePenalty')).resolves.toMatch(/Trade penalty γ.*annual return per unit traded/);
    // Back to the defaults for the frontier below (daily, no band): the form runs on "Run backtest".
    await page.locator('[data-path="rebalance"]').selectOption('daily');
    await page.locator('[data-path="noTradeBand"]').fill('0');
    await page.locator('[data-testid=run-button]').click();
    await waitForStatus(page, ['running'], MINUTE).catch(() => undefined);
    await waitForStatus(page, ['done'], 10 * MINUTE);
  }, 25 * MINUTE);

  it('the frontier: one run per value, turnover vs net IR drawn, the same numbers as cli report --sweep', async () => {
    const cli = cliSweep('rebalance=daily,weekly,monthly');
    const frontier = page.locator('[data-testid=turnover-frontier]');
    await frontier.waitFor({ timeout: MINUTE });
    await page.locator('[data-testid=frontier-control]').selectOption('rebalance');
    await page.locator('[data-testid=frontier-compute]').click();
    await page.locator('[data-testid=chart-turnover-frontier] canvas[data-ready=true]').waitFor({ timeout: 15 * MINUTE });
    const rows = await page.evaluate<{ value: string; series: string; turnover: number; ir: number }[]>(`Array.from(document.querySelectorAll('[data-testid=frontier-table] tr[data-value]')).map((e) => ({
      value: e.getAttribute('data-value'), series: e.getAttribute('data-series'), turnover: Number(e.getAttribute('data-turnover')), ir: Number(e.getAttribute('data-ir')),
    }))`);
    expect(rows.map((r) => `${r.value}:${r.series}`)).toEqual(['daily:symmetric', 'weekly:symmetric', 'monthly:symmetric']);
    expect(rows[2]!.turnover).toBeLessThan(rows[0]!.turnover);
    await page.screenshot({ path: `${ARTIFACTS}/turnover-frontier.png`, fullPage: false });
    const c = await cli;
    for (const [k, r] of rows.entries()) {
      const s = c.rows[k]!.strategies.find((x) => x.key === r.series)!;
      // Same code and data in node and the browser: equal up to exp/log last-bit differences.
      expect(Math.abs(r.turnover - s.annualTurnover)).toBeLessThanOrEqual(1e-9 * Math.max(1, s.annualTurnover));
      expect(Math.abs(r.ir - s.informationRatio)).toBeLessThanOrEqual(1e-9);
    }
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  }, 25 * MINUTE);
});
