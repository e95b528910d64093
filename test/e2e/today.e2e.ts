// The Today screen in real headless Chromium: on the demo's first-open run, each factor's regime,
// the target weights for the next close, and the trades from holdings typed in (they net to zero);
// a typed weight with a decimal comma and a bad holdings CSV get a message saying where and what to do.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { startRig, type Rig } from './harness.ts';
import { waitForStatus } from './run-helpers.ts';

const MINUTE = 60_000;
let rig: Rig;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  rig = await startRig();
  const p = await rig.newPage();
  context = p.context; page = p.page; errors = p.consoleErrors;
});
afterAll(async () => { await context?.close(); await rig?.close(); });

describe('Today screen in Chromium', () => {
  it('shows the regimes and the target of the demo run, and the trades from typed holdings', async () => {
    await page.goto(rig.baseUrl);
    await waitForStatus(page, ['done'], 5 * MINUTE);
    await page.locator('nav').getByRole('button', { name: 'Today', exact: true }).click();
    const today = page.locator('[data-testid=today]');
    await today.waitFor({ timeout: MINUTE });
    expect(await today.getAttribute('data-as-of')).toBe('2025-12-31');
    const rows = page.locator('[data-testid=today-factors] tbody tr');
    expect(await rows.count()).toBe(6);
    for (const r of await rows.all()) expect(['bull', 'bear']).toContain(await r.getAttribute('data-regime'));
    const targets = (await page.locator('[data-testid=today-weights] td[data-target]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-target')))));
    expect(targets).toHaveLength(7);
    expect(targets.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    for (const w of targets) expect(w).toBeGreaterThanOrEqual(-1e-12);
    // Holdings typed in: everything in the market.
    await page.locator('[data-testid=holding-SPY]').fill('100');
    await page.locator('[data-testid=today-summary]', { hasText: 'turnover' }).waitFor();
    const trades = await page.locator('[data-testid=today-weights] td[data-trade]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trade'))));
    expect(trades.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(trades[0]).toBeCloseTo(targets[0]! - 1, 12);
    // The JSON export carries the same signal with its trades.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=today-export-json]').click()]);
    const json = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as { asOf: string; tradeOn: string; targetWeights: Record<string, number>; trades: unknown[] };
    expect(json.asOf).toBe('2025-12-31');
    expect(json.tradeOn).toBe('2026-01-01');
    expect(Object.values(json.targetWeights)).toEqual(targets);
    expect(json.trades).toHaveLength(7);
  }, 6 * MINUTE);

  it('a typed weight with a decimal comma is refused with the asset and what to type, not read as another number', async () => {
    await page.locator('[data-testid=holding-SPY]').fill('98,5');
    const error = page.locator('[data-testid=holdings-error]');
    await error.waitFor({ timeout: MINUTE });
    await expect(error.textContent()).resolves.toMatch(/current weight of SPY, “98,5”, is not a percent: .*point for decimals, not a comma/);
    expect(await page.locator('[data-testid=today-summary]', { hasText: 'turnover' }).count()).toBe(0);
    // "0,5" and "1,0" summing to "100" are not taken as 0 and 1.
    await page.locator('[data-testid=holding-SPY]').fill('0,5');
    await page.locator('[data-testid=holding-QUAL]').fill('1,0');
    await expect(error.textContent()).resolves.toMatch(/SPY, “0,5”.*QUAL, “1,0”/);
    await page.locator('[data-testid=holding-SPY]').fill('98.5');
    await page.locator('[data-testid=holding-QUAL]').fill('1.5');
    await page.locator('[data-testid=today-summary]', { hasText: 'turnover' }).waitFor();
    expect(await error.count()).toBe(0);
    const targets = await page.locator('[data-testid=today-weights] td[data-target]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-target'))));
    const trades = await page.locator('[data-testid=today-weights] td[data-trade]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trade'))));
    expect(trades[0]).toBeCloseTo(targets[0]! - 0.985, 12);
    expect(trades[1]).toBeCloseTo(targets[1]! - 0.015, 12);
  }, MINUTE);

  it('a holdings CSV with an unknown ticker says which row and what to do', async () => {
    await page.locator('[data-testid=holdings-csv-mode]').check();
    await page.locator('[data-testid=holdings-csv]').fill('ticker,weight\nSPY,50%\nXYZ,50%');
    await expect(page.locator('[data-testid=holdings-error]').textContent()).resolves.toMatch(/row 3: "XYZ" is not an asset of the universe/);
    await page.locator('[data-testid=holdings-csv]').fill('ticker,weight\nspy,50%\nqual,50%');
    await page.locator('[data-testid=today-summary]', { hasText: 'turnover' }).waitFor();
    expect(await page.locator('[data-testid=holdings-error]').count()).toBe(0);
    expect(errors).toEqual([]);
  }, MINUTE);
});
