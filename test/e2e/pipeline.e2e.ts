// Results are tied to their inputs, in real headless Chromium against the built app:
// - a share link opened in a fresh browser, whose data set is then imported and saved, ends with
//   that data set's result (its name, its out-of-sample window, its numbers), never the demo's;
// - switching data sets never shows another data set's numbers, and switching back shows the
//   stored result at once;
// - after a reload the selected data set's stored run is on screen without running it again.
// The runs use a cheap configuration on a simulated data set written as CSV files (seconds, not
// minutes); the numbers are compared with the same run in node.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startRig, type Rig } from './harness.ts';
import { metricCells, waitForStatus } from './run-helpers.ts';
import { generateDemoPanel, panelToCsvFiles } from '../../src/core/data/demo.ts';
import { importFiles } from '../../src/core/data/index.ts';
import { panelHash } from '../../src/core/hash.ts';
import { defaultConfig, validateConfig, type RunConfig } from '../../src/core/config.ts';
import { runBacktest, type BacktestResult } from '../../src/core/backtest/index.ts';
import { shareUrl } from '../../src/share/link.ts';
import { formatDate } from '../../src/app/format.ts';

const MINUTE = 60_000;
const NAME = 'Sim 2009-2019';

// Another simulated data set than the app's demo (another seed and range), as the files a person brings.
const files = panelToCsvFiles(generateDemoPanel(11, { start: '2009-01-02', end: '2019-12-31' }));
const imported = importFiles(files.map((f) => ({ name: f.name, bytes: new TextEncoder().encode(f.text) })));
const panel = imported.panel!;

let rig: Rig;
let hash: string;
let config: RunConfig;
let expected: BacktestResult;

beforeAll(async () => {
  rig = await startRig();
  hash = await panelHash(panel);
  const d = panel.dates;
  const c = defaultConfig();
  c.dataset = { id: hash, name: NAME, hash, firstDate: d[0]!, lastDate: d[d.length - 1]! };
  c.trainMinYears = 4; c.trainMaxYears = 6;
  c.refitFrequency = 'quarterly';
  c.model.nInit = 2;
  config = (validateConfig(c) as { ok: true; config: RunConfig }).config;
  expected = runBacktest(panel, config);
});
afterAll(async () => { await rig?.close(); });

async function goTo(page: Page, screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

/** Imports the files and saves them (the page may then move on to the Backtest screen by itself). */
async function importAndSave(page: Page): Promise<void> {
  await goTo(page, 'Data');
  await page.setInputFiles('#file-input', files.map((f) => ({ name: f.name, mimeType: 'text/csv', buffer: Buffer.from(f.text) })));
  await page.locator('[data-testid=panel-summary]').waitFor({ timeout: MINUTE });
  await page.fill('#save-name', NAME);
  await page.getByRole('button', { name: 'Save as a new data set' }).click();
}

/** The page's Sharpe of the symmetric strategy, and the provenance line. */
async function shown(page: Page): Promise<{ sharpe: number; provenance: string }> {
  const cells = await metricCells(page);
  const sharpe = Number(cells.find((c) => c.series === 'symmetric' && c.metric === 'sharpe' && c.group === 'metrics')!.value);
  const provenance = ((await page.textContent('[data-testid=result-provenance]')) ?? '').replace(/\s+/g, ' ').trim();
  return { sharpe, provenance };
}

describe('results belong to their data set and settings', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  it('a share link in a fresh browser, whose data set is imported there, ends with that data set\'s result', async () => {
    const p = await rig.newPage();
    context = p.context; page = p.page; errors = p.consoleErrors;
    await page.goto(shareUrl(config, rig.baseUrl));
    const notice = page.locator('[data-testid=link-notice][data-kind=missing]');
    await notice.waitFor({ timeout: 2 * MINUTE });
    await expect(notice.textContent()).resolves.toContain(NAME);
    await importAndSave(page);
    // The link's run opens by itself once its data set is stored.
    await page.locator('[data-testid=link-notice][data-kind=loaded]').waitFor({ timeout: MINUTE });
    await waitForStatus(page, ['done'], 10 * MINUTE);
    await goTo(page, 'Backtest');
    const s = await shown(page);
    expect(s.provenance).toContain(NAME);
    expect(s.provenance).toContain(`out of sample ${formatDate(expected.dates[expected.evalStartIndex])}`);
    expect(s.provenance).not.toContain('4 Apr 2012'); // the demo's window
    expect(s.sharpe).toBeCloseTo(expected.strategies[0]!.metrics.sharpe!, 9);
  }, 12 * MINUTE);

  it('switching data sets never shows another data set\'s numbers; switching back shows the stored result', async () => {
    const before = await shown(page);
    await goTo(page, 'Data');
    await page.locator('[data-testid=dataset-item] .name', { hasText: 'Demo' }).click();
    await goTo(page, 'Backtest');
    // Either the demo's own result (its name, its window) or none — never the other data set's.
    await page.waitForTimeout(1500);
    const provenance = await page.locator('[data-testid=result-provenance]').textContent().catch(() => null);
    if (provenance) expect(provenance).toContain('Demo');
    else await page.locator('[data-testid=no-result]').waitFor();
    const table = page.locator('[data-testid=metrics-table]');
    if (await table.count()) expect((await shown(page)).sharpe).not.toBe(before.sharpe);
    await goTo(page, 'Data');
    await page.locator('[data-testid=dataset-item] .name', { hasText: NAME }).click();
    await goTo(page, 'Backtest');
    await page.locator('[data-testid=result-provenance]', { hasText: NAME }).waitFor({ timeout: MINUTE });
    expect(await shown(page)).toEqual(before);
  }, 5 * MINUTE);

  it('after a reload the stored run of the selected data set is on screen without running again', async () => {
    const before = await shown(page);
    await page.goto(rig.baseUrl); // the address without the link
    await goTo(page, 'Backtest');
    await page.locator('[data-testid=result-provenance]', { hasText: NAME }).waitFor({ timeout: MINUTE });
    expect(await shown(page)).toEqual(before);
    await expect(page.locator('[data-testid=run-done]').textContent()).resolves.toContain('store of finished runs');
    expect(errors).toEqual([]);
    await context.close();
  }, 5 * MINUTE);
});
