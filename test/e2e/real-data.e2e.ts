// End to end on real market data in headless Chromium (Browser tests): upload the files
// of ../shared/data/market/ on the Data screen, save them as a data set, run the backtest with the
// paper's defaults, and get the same metrics as `cli backtest` on the same folder (and the same
// content hash). Skipped, with the reason printed, when the folder is absent. Slow: one full
// walk-forward run in the page and one in the CLI, side by side (a few minutes on two cores).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { cliBacktest, compareWithCli, metricCells, waitForStatus, runStatus } from './run-helpers.ts';
import { decodeShareLink } from '../../src/share/link.ts';

const DIR = resolve('../shared/data/market');
const present = existsSync(DIR);
if (!present) console.log(`real-data.e2e: skipped — ${DIR} is absent (the real market data lives outside the repo and is never copied into it)`);

const MINUTE = 60_000;

describe.skipIf(!present)('real market data in Chromium', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(async () => { await rig?.close(); });

  it('upload the market files, run the backtest with the defaults, match the CLI on the same folder', async () => {
    const { page, context, foreignRequests, consoleErrors } = await rig.newPage();
    await page.goto(rig.baseUrl);
    // First open starts the demo backtest; stop it, the real data is what this test runs.
    const st = await waitForStatus(page, ['running', 'done'], 2 * MINUTE);
    if (st === 'running') {
      await page.locator('nav').getByRole('button', { name: 'Backtest', exact: true }).click();
      await page.locator('[data-testid=cancel-button]').click();
      await waitForStatus(page, ['cancelled'], 30_000);
      await page.locator('nav').getByRole('button', { name: 'Data', exact: true }).click();
    }

    const files = readdirSync(DIR).filter((f) => /\.(csv|txt)$/i.test(f)).sort();
    await page.setInputFiles('#file-input', files.map((f) => ({ name: f, mimeType: 'text/csv', buffer: readFileSync(join(DIR, f)) })));
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 3 * MINUTE });
    await page.fill('#save-name', 'Market ETFs (real)');
    await page.getByRole('button', { name: 'Save as a new data set' }).click();
    await page.locator('[data-testid=saved]').waitFor({ timeout: MINUTE });

    await page.locator('nav').getByRole('button', { name: 'Backtest', exact: true }).click();
    await expect(page.locator('[data-testid=run-bar]').textContent()).resolves.toContain('Market ETFs (real)');
    const cli = cliBacktest([DIR]);
    await page.locator('[data-testid=run-button]').click();
    await waitForStatus(page, ['running'], MINUTE);
    await waitForStatus(page, ['done'], 30 * MINUTE);
    expect(await runStatus(page)).toBe('done');
    const cells = await metricCells(page);
    const c = await cli;
    const cmp = compareWithCli(cells, c.metrics);
    expect(cmp.compared).toBe(4 * 26 - 2 * 6);
    // The browser's import of the files is the same data set as the CLI's (same content hash).
    const link = await page.locator('[data-testid=share-link]').inputValue();
    const decoded = decodeShareLink(new URL(link).hash);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(decoded.config.dataset!.hash).toBe(c.result.config.dataset!.hash);
      expect(decoded.config.dataset!.name).toBe('Market ETFs (real)');
    }
    const first = cells.find((x) => x.metric === 'firstDate' && x.series === 'symmetric')!.value;
    console.log(`real data: out of sample from ${first}; page and CLI agree on ${cmp.compared} metrics (${cmp.exact} to the last bit, the rest within ${cmp.maxRelative.toExponential(1)}); CLI took ${(c.ms / 1000).toFixed(0)} s`);
    await page.locator('[data-testid=chart-equity] canvas[data-ready=true]').waitFor({ timeout: MINUTE });
    await page.screenshot({ path: `${ARTIFACTS}/backtest-real-data.png`, fullPage: true });
    await page.locator('nav').getByRole('button', { name: 'Periods', exact: true }).click();
    await page.locator('[data-testid=periods-table]').waitFor({ timeout: MINUTE });
    await page.screenshot({ path: `${ARTIFACTS}/periods-real-data.png`, fullPage: true });
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 40 * MINUTE);
});
