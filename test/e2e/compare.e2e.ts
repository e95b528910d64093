// Compare runs in real headless Chromium against the built app (method §12): two backtest runs are
// in this browser's store of finished runs, the Compare screen lists them with the settings that
// differ from the defaults, and picking both shows their metrics side by side (equal to the
// results' own numbers), the differences, the settings that differ and the overlaid curves.
//
// The two runs are real results of core runBacktest (a 7-year slice of the demo data, two factors:
// a few seconds each in node), written into the page's IndexedDB in the format storage/runs.ts
// reads — the same key (build + canonical configuration) and record the backtest worker writes —
// instead of two minute-long runs in the browser.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { waitForStatus, goTo } from './run-helpers.ts';
import { generateDemoPanel } from '../../src/core/data/demo.ts';
import { panelHash } from '../../src/core/hash.ts';
import { applyOverrides, defaultConfig, serializeConfig, type RunConfig } from '../../src/core/config.ts';
import { runBacktest, type BacktestResult } from '../../src/core/backtest/index.ts';
import { runKey } from '../../src/storage/runs.ts';

const MINUTE = 60_000;

let rig: Rig;
let context: BrowserContext;
let page: Page;
let foreign: string[];
let errors: string[];
const runs: { key: string; savedAt: number; result: BacktestResult }[] = [];

async function configOf(sets: string[]): Promise<RunConfig> {
  const panel = generateDemoPanel();
  const hash = await panelHash(panel);
  const r = applyOverrides(defaultConfig(), ['startDate=2010-01-01', 'endDate=2016-12-31', 'model.nInit=2', 'factors=QUAL,MTUM', 'strategies.asymmetric=false', ...sets]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return { ...r.config, dataset: { id: hash, name: 'demo', hash, firstDate: panel.dates[0]!, lastDate: panel.dates[panel.dates.length - 1]! } };
}

beforeAll(async () => {
  const panel = generateDemoPanel();
  const a = await configOf(['trainMinYears=3']);
  const b = await configOf(['trainMinYears=4', 'costBps=20']);
  runs.push({ key: runKey('test-build', serializeConfig(a)), savedAt: Date.UTC(2025, 0, 2, 10, 0), result: runBacktest(panel, a) });
  runs.push({ key: runKey('test-build', serializeConfig(b)), savedAt: Date.UTC(2025, 0, 3, 11, 30), result: runBacktest(panel, b) });
  rig = await startRig();
  const p = await rig.newPage();
  context = p.context;
  page = p.page;
  foreign = p.foreignRequests;
  errors = p.consoleErrors;
}, 3 * MINUTE);
afterAll(async () => {
  await context?.close();
  await rig?.close();
});

/** Writes the runs into helix-runs exactly as RunStore.put does: ['run', key] → {key, savedAt, result}, and the index with each run's configuration. */
async function storeRuns(items: typeof runs): Promise<void> {
  await page.evaluate(async (json: string) => {
    const items = JSON.parse(json) as { key: string; savedAt: number; result: unknown }[];
    const g = globalThis as unknown as { indexedDB: { open(n: string): any } };
    const db = await new Promise<any>((res, rej) => {
      const r = g.indexedDB.open('helix-runs');
      r.onupgradeneeded = () => { if (!r.result.objectStoreNames.contains('keyval')) r.result.createObjectStore('keyval'); };
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    await new Promise<void>((res, rej) => {
      const tx = db.transaction('keyval', 'readwrite');
      const s = tx.objectStore('keyval');
      for (const it of items) s.put({ key: it.key, savedAt: it.savedAt, result: it.result }, ['run', it.key]);
      s.put(items.map((it) => ({ key: it.key, savedAt: it.savedAt, config: (it.result as { config: unknown }).config })), 'index');
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, JSON.stringify(items));
}

describe('Compare runs in Chromium', () => {
  it('lists two stored runs with their settings, and shows them side by side with differences, settings and curves', async () => {
    await page.goto(rig.baseUrl);
    await page.locator('[data-testid=selected-dataset]').waitFor({ timeout: MINUTE });
    // First open runs the demo backtest by itself: stop it (it is not what this test is about).
    const st = await waitForStatus(page, ['running', 'done'], MINUTE);
    if (st === 'running') {
      await goTo(page, 'Backtest');
      await page.locator('[data-testid=cancel-button]').click();
      await waitForStatus(page, ['cancelled', 'done'], MINUTE);
    }
    await storeRuns(runs);

    await goTo(page, 'Compare');
    const rows = page.locator('[data-testid=stored-runs] tbody tr');
    await rows.first().waitFor({ timeout: MINUTE });
    expect(await rows.count()).toBe(2);
    // Newest first; each says what differs from the defaults.
    const settingsText = await page.locator('[data-testid=run-settings]').allTextContents();
    expect(settingsText[0]).toContain('Minimum training years 4');
    expect(settingsText[0]).toContain('Cost 20');
    expect(settingsText[1]).toContain('Minimum training years 3');
    expect(settingsText[1]).not.toContain('Cost');
    expect(await rows.first().textContent()).toContain('demo');

    // Pick both (one run alone is no comparison). Runs are numbered in list order: Run 1 = the newer.
    await rows.nth(1).locator('input[type=checkbox]').check();
    await expect(page.locator('[data-testid=comparison]').count()).resolves.toBe(0); // one run is no comparison
    await rows.nth(0).locator('input[type=checkbox]').check();
    const table = page.locator('[data-testid=compare-table]');
    await table.waitFor({ timeout: MINUTE });

    // The values are the results' own numbers, and the difference is Run 2 − Run 1.
    const [newer, older] = [runs[1]!.result, runs[0]!.result];
    const cell = (row: string, run: number) => table.locator(`tr[data-row=${row}] td[data-run="${run}"]`).getAttribute('data-value');
    const diffCell = (row: string) => table.locator(`tr[data-row=${row}] td[data-diff="2"]`).getAttribute('data-value');
    const s1 = newer.strategies[0]!, s2 = older.strategies[0]!;
    await expect(cell('sharpe', 1)).resolves.toBe(String(s1.metrics.sharpe));
    await expect(cell('sharpe', 2)).resolves.toBe(String(s2.metrics.sharpe));
    expect(Number(await diffCell('sharpe'))).toBeCloseTo(s2.metrics.sharpe! - s1.metrics.sharpe!, 14);
    await expect(cell('sharpeCI', 1)).resolves.toBe(s1.metrics.sharpeCI!.join(','));
    await expect(cell('informationRatioCI-ew', 2)).resolves.toBe(s2.vsEqualWeight!.informationRatioCI!.join(','));
    await expect(cell('costPerYear', 1)).resolves.toBe(String(s1.costs!.costPerYear));
    await expect(cell('days', 2)).resolves.toBe(String(s2.metrics.days));
    expect(s2.metrics.days).toBeGreaterThan(s1.metrics.days); // the 3-year window starts earlier

    // The settings that differ between the runs and from the defaults.
    const settings = page.locator('[data-testid=compare-settings]');
    await expect(settings.locator('tr[data-path=costBps] td').allTextContents()).resolves.toEqual(['5', '20', '5']);
    await expect(settings.locator('tr[data-path=trainMinYears] td').allTextContents()).resolves.toEqual(['8', '4', '3']);
    await expect(settings.locator('tr[data-path=factors] td').allTextContents()).resolves.toEqual(['QUAL,MTUM,USMV,VLUE,SIZE,IWF', 'QUAL,MTUM', 'QUAL,MTUM']);

    // Equity and drawdown of both runs on one chart each.
    await page.locator('[data-testid=chart-compare-equity] canvas[data-ready=true]').waitFor({ timeout: MINUTE });
    await page.locator('[data-testid=chart-compare-drawdown] canvas[data-ready=true]').waitFor({ timeout: MINUTE });

    // Another portfolio: the EW benchmark of each run (no active rows against itself).
    await page.locator('[data-testid=compare-series]').selectOption('equalWeight');
    await expect(cell('sharpe', 1)).resolves.toBe(String(newer.equalWeight.metrics.sharpe));
    expect(await table.locator('tr[data-row=informationRatio-ew]').count()).toBe(0);

    await page.screenshot({ path: `${ARTIFACTS}/compare.png`, fullPage: true });
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  }, 5 * MINUTE);
});
