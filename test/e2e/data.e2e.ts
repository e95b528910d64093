// The Data screen in real headless Chromium against the built app (Browser tests):
// first open lists and charts the simulated demo; two files of different formats import and
// report; save survives a reload; rename, roles and delete work; a broken file shows its error
// and changes nothing stored; the demo's CSV files download; no request leaves the origin.
// The tests share one browser context (one IndexedDB) and run in order.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
// Browser globals for the code that runs inside the page (see the file for why not lib.dom).
import type { BrowserGlobals } from '../../src/storage/dom.d.ts';

// ---- fixture files, written here (never real market data) -------------------------------------

/** Weekdays from `start`, as ISO dates. */
function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A small deterministic random walk (an LCG: the fixtures must be the same on every run). */
function walk(n: number, start: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  let p = start;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    p *= 1 + ((s / 2 ** 32) - 0.5) * 0.02;
    out.push(p);
  }
  return out;
}

const DAYS = weekdays('2021-01-04', 300);

/** Yahoo Finance web download: Date,Open,High,Low,Close,Adj Close,Volume with a `null` holiday row. */
function yahooCsv(): string {
  const px = walk(DAYS.length, 370, 1);
  const rows = ['Date,Open,High,Low,Close,Adj Close,Volume'];
  DAYS.forEach((d, i) => {
    if (i === 10) { rows.push(`${d},null,null,null,null,null,null`); return; }
    const c = px[i];
    rows.push(`${d},${(c * 0.998).toFixed(2)},${(c * 1.01).toFixed(2)},${(c * 0.99).toFixed(2)},${(c * 1.02).toFixed(2)},${c.toFixed(6)},${1_000_000 + i}`);
  });
  return rows.join('\r\n') + '\r\n';
}

/** Stooq single-symbol export: Date,Open,High,Low,Close,Volume, ticker from the name qual.us.txt. */
function stooqCsv(): string {
  const px = walk(DAYS.length - 20, 120, 2);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  DAYS.slice(20).forEach((d, i) => rows.push(`${d},${px[i].toFixed(3)},${(px[i] * 1.01).toFixed(3)},${(px[i] * 0.99).toFixed(3)},${px[i].toFixed(3)},${5000 + i}`));
  return rows.join('\n') + '\n';
}

/** Dates that read cleanly month-first and day-first (every day and month ≤ 12). */
function ambiguousCsv(): string {
  const rows = ['Date,Close'];
  let p = 50;
  for (let m = 1; m <= 12; m++) {
    for (let d = 1; d <= 12; d++) {
      p *= 1.001;
      rows.push(`${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/2019,${p.toFixed(4)}`);
    }
  }
  return rows.join('\n') + '\n';
}

const file = (name: string, text: string, mimeType = 'text/csv') => ({ name, mimeType, buffer: Buffer.from(text, 'utf8') });

// ---- helpers -----------------------------------------------------------------------------------

async function datasetNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid=dataset-item] .name').allTextContents();
}

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid=dataset-item]').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=selected-dataset]').waitFor({ timeout: 60_000 });
}

/** Painted pixels on the price chart's canvas (0 when nothing was drawn). */
async function paintedPixels(page: Page): Promise<number> {
  await page.locator('[data-testid=price-chart] canvas[data-ready=true]').waitFor({ timeout: 60_000 });
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const c = document.querySelector('[data-testid=price-chart] canvas') as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}

let rig: Rig;
let context: BrowserContext;
let page: Page;
let foreign: string[];
let errors: string[];

beforeAll(async () => {
  rig = await startRig();
  const p = await rig.newPage();
  context = p.context;
  page = p.page;
  foreign = p.foreignRequests;
  errors = p.consoleErrors;
});
afterAll(async () => {
  await context?.close();
  await rig?.close();
});

describe('Data screen in Chromium', () => {
  it('first open: the demo data set is stored, listed as Simulated and charted', async () => {
    await page.goto(rig.baseUrl);
    await waitReady(page);
    const items = page.locator('[data-testid=dataset-item]');
    expect(await items.count()).toBe(1);
    await expect(items.first().locator('.badge.simulated').textContent()).resolves.toBe('Simulated');
    await expect(page.locator('[data-testid=selected-dataset] h3').textContent()).resolves.toContain('Simulated');
    // The demo covers the default universe over at least 20 years (The demo data set).
    const roles = await page.locator('[data-testid=roles] tbody th').allTextContents();
    expect(roles).toEqual(expect.arrayContaining(['SPY', 'QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF', 'VIX', 'DGS2', 'DGS10']));
    const pixels = await paintedPixels(page);
    expect(pixels).toBeGreaterThan(5000);
    await page.screenshot({ path: `${ARTIFACTS}/data-demo.png`, fullPage: true });

    // Log scale redraws the chart.
    await page.getByRole('checkbox', { name: 'Log scale' }).check();
    expect(await paintedPixels(page)).toBeGreaterThan(5000);
    await page.getByRole('checkbox', { name: 'Log scale' }).uncheck();
  });

  it('the demo data set downloads as CSV files', async () => {
    await page.getByRole('button', { name: 'Prepare CSV files' }).click();
    const links = page.locator('[data-testid=csv-downloads] a[download]');
    await links.first().waitFor();
    const names = await links.allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(10);
    const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
    expect(download.suggestedFilename()).toBe(names[0]);
    const path = await download.path();
    const text = readFileSync(path!, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThan(20 * 250); // at least 20 years of trading days
    expect(lines[0].toLowerCase()).toContain('date');

    // The files import back to the very same data set (same content hash): saving finds it stored.
    const texts = await page.evaluate(async () => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const anchors = Array.from(document.querySelectorAll('[data-testid=csv-downloads] a[download]')) as unknown as { href: string; download: string }[];
      return Promise.all(anchors.map(async (a) => ({ name: a.download, text: await (await fetch(a.href)).text() })));
    });
    expect(texts).toHaveLength(names.length);
    await page.setInputFiles('#file-input', texts.map((t) => file(t.name, t.text)));
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Save as a new data set' }).click();
    await page.locator('[data-testid=saved]').waitFor();
    await expect(page.locator('[data-testid=saved]').textContent()).resolves.toContain('already stored as “Demo (simulated)”');
    expect(await datasetNames(page)).toHaveLength(1);
    await page.getByRole('button', { name: 'Close the report' }).click();
  });

  it('imports a Yahoo CSV and a Stooq file together and shows their report', async () => {
    await page.setInputFiles('#file-input', [file('SPY.csv', yahooCsv()), file('qual.us.txt', stooqCsv(), 'text/plain')]);
    const rows = page.locator('[data-testid=file-reports] tbody tr');
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(2);
    const spy = (await rows.nth(0).locator('td').allTextContents()).map((s) => s.trim());
    const qual = (await rows.nth(1).locator('td').allTextContents()).map((s) => s.trim());
    expect(spy[0]).toBe('SPY.csv');
    expect(spy[1]).toBe('yahoo');
    expect(spy[5]).toBe('SPY');
    expect(spy[8]).toBe('yes'); // Adj Close used
    expect(spy[9]).toBe('accepted');
    expect(qual[0]).toBe('qual.us.txt');
    expect(qual[1]).toBe('stooq');
    expect(qual[5]).toBe('QUAL');
    expect(qual[8]).toBe('no');
    expect(qual[9]).toBe('accepted');
    // The null row is reported with its line number, as text.
    const issues = await page.locator('[data-testid=issues] tbody tr').allTextContents();
    expect(issues.some((t) => t.includes('SPY.csv') && t.includes('12'))).toBe(true);
    // QUAL starts 20 trading days later: it sets the start of the common range.
    const summary = await page.locator('[data-testid=panel-summary]').textContent();
    expect(summary).toContain('Start set by QUAL');
    await page.screenshot({ path: `${ARTIFACTS}/data-import-report.png`, fullPage: true });
  });

  it('saves the import as a data set that survives a reload', async () => {
    await page.fill('#save-name', 'Test ETFs');
    await page.getByRole('button', { name: 'Save as a new data set' }).click();
    await page.locator('[data-testid=saved]').waitFor();
    await expect(page.locator('[data-testid=saved]').textContent()).resolves.toContain('Saved as “Test ETFs”');
    const names = await datasetNames(page);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe('Test ETFs');

    await page.reload();
    await waitReady(page);
    expect((await datasetNames(page))[1]).toBe('Test ETFs');
    // The selection is remembered: the saved set is shown, with its two series, not simulated.
    expect((await page.locator('[data-testid=selected-dataset] h3').textContent())?.trim()).toBe('Test ETFs');
    const tickers = await page.locator('[data-testid=roles] tbody th').allTextContents();
    expect(tickers).toEqual(['SPY', 'QUAL']);
    expect(await paintedPixels(page)).toBeGreaterThan(2000);

    // Saving the same content again stores nothing new.
    await page.setInputFiles('#file-input', [file('SPY.csv', yahooCsv()), file('qual.us.txt', stooqCsv(), 'text/plain')]);
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Save as a new data set' }).click();
    await page.locator('[data-testid=saved]').waitFor();
    await expect(page.locator('[data-testid=saved]').textContent()).resolves.toContain('already stored as “Test ETFs”');
    expect(await datasetNames(page)).toHaveLength(2);
  });

  it('renames a data set, and the new name survives a reload', async () => {
    await page.getByRole('button', { name: 'Rename Test ETFs' }).click();
    const input = page.getByLabel('New name for “Test ETFs”');
    await input.fill('My two ETFs');
    await input.press('Enter');
    await page.locator('[data-testid=dataset-item] .name', { hasText: 'My two ETFs' }).waitFor();
    await page.reload();
    await waitReady(page);
    expect(await datasetNames(page)).toContain('My two ETFs');
    expect(await datasetNames(page)).not.toContain('Test ETFs');
  });

  it('edits roles and keeps them', async () => {
    const select = page.getByLabel('Role of QUAL');
    expect(await select.inputValue()).toBe('factor');
    await select.selectOption('unused');
    await page.locator('[data-testid=roles]', { hasText: 'QUAL is now unused; saved.' }).waitFor();
    await expect(page.locator('[data-testid=roles]').textContent()).resolves.toContain('No series is a factor');
    await page.reload();
    await waitReady(page);
    expect(await page.getByLabel('Role of QUAL').inputValue()).toBe('unused');
    await page.getByLabel('Role of QUAL').selectOption('factor');
    await page.locator('[data-testid=roles]', { hasText: 'QUAL is now factor; saved.' }).waitFor();
  });

  it('a broken file shows its error and leaves the stored data sets unchanged', async () => {
    const before = await datasetNames(page);
    const garbage = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 255, 254]);
    await page.setInputFiles('#file-input', [{ name: 'broken.csv', mimeType: 'text/csv', buffer: garbage }]);
    await page.locator('[data-testid=nothing-usable]').waitFor({ timeout: 60_000 });
    const row = (await page.locator('[data-testid=file-reports] tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    expect(row[0]).toBe('broken.csv');
    expect(row[9]).toBe('rejected');
    const issues = await page.locator('[data-testid=issues] tbody tr.error').allTextContents();
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toContain('broken.csv');
    expect(await page.getByRole('button', { name: 'Save as a new data set' }).count()).toBe(0);
    expect(await datasetNames(page)).toEqual(before);
    await page.screenshot({ path: `${ARTIFACTS}/data-broken-file.png`, fullPage: true });
    await page.reload();
    await waitReady(page);
    expect(await datasetNames(page)).toEqual(before);
  });

  it('shows hostile file names and contents as text, never as HTML', async () => {
    const name = '<img src=x onerror="window.__pwned=1">.csv';
    await page.setInputFiles('#file-input', [file(name, 'Date,<b>Close</b>\n<script>x</script>,1\n')]);
    await page.locator('[data-testid=file-reports] tbody tr').first().waitFor({ timeout: 60_000 });
    expect((await page.locator('[data-testid=file-reports] tbody tr td').first().textContent())?.trim()).toBe(name);
    expect(await page.locator('[data-testid=import-report] img, [data-testid=import-report] b, [data-testid=import-report] script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.getByRole('button', { name: 'Close the report' }).click();
  });

  it('asks for the date order when dates read both ways, and uses the answer', async () => {
    await page.setInputFiles('#file-input', [file('AMBIG.csv', ambiguousCsv())]);
    const form = page.locator('[data-testid=date-order]');
    await form.waitFor({ timeout: 60_000 });
    await expect(form.textContent()).resolves.toContain('AMBIG.csv');
    const again = page.getByRole('button', { name: 'Read the files again' });
    expect(await again.isDisabled()).toBe(true);
    await page.getByLabel('Month first (MM/DD/YYYY)').check();
    await again.click();
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    const row = (await page.locator('[data-testid=file-reports] tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    expect(row[4]).toBe('MM/DD/YYYY');
    expect(row[7]).toBe('1 Jan 2019 – 12 Dec 2019');
    await page.getByRole('button', { name: 'Close the report' }).click();
  });

  it('cancels a long import: the worker is replaced and the next import works', async () => {
    // ~15 MB wide file: long enough to still be parsing when Cancel is pressed.
    const tickers = Array.from({ length: 200 }, (_, i) => `C${i}`);
    const lines = ['Date,' + tickers.join(',')];
    const row = tickers.map((_, i) => (100 + i / 7).toFixed(4)).join(',');
    for (const d of weekdays('1970-01-01', 9000)) lines.push(`${d},${row}`);
    const big = lines.join('\n') + '\n';
    const before = await datasetNames(page);
    await page.setInputFiles('#file-input', [file('BIG.csv', big)]);
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.click({ timeout: 30_000 });
    await page.locator('[data-testid=import-error]', { hasText: 'Import cancelled: nothing was stored.' }).waitFor();
    expect(await datasetNames(page)).toEqual(before);
    // A fresh worker takes the next job.
    await page.setInputFiles('#file-input', [file('SPY.csv', yahooCsv())]);
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Close the report' }).click();
  });

  it('deletes a data set after confirmation, and it stays deleted', async () => {
    await page.getByRole('button', { name: 'Delete My two ETFs' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await datasetNames(page)).toContain('My two ETFs');

    await page.getByRole('button', { name: 'Delete My two ETFs' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
    await page.locator('[data-testid=dataset-item] .name', { hasText: 'My two ETFs' }).waitFor({ state: 'detached' });
    await page.reload();
    await waitReady(page);
    expect(await datasetNames(page)).not.toContain('My two ETFs');
    expect(await datasetNames(page)).toHaveLength(1);
  });

  it('fits a phone-width screen and is keyboard operable', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await waitReady(page);
    const overflow = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return document.documentElement.scrollWidth - document.documentElement.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/data-phone.png`, fullPage: true });
    // Tab from the top reaches the navigation, and the focused control shows an outline.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const { document, window } = globalThis as unknown as BrowserGlobals;
      const el = document.activeElement!;
      const getComputedStyle = window.getComputedStyle.bind(window);
      return { text: el.textContent?.trim(), outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.text).toBe('Data');
    expect(focused.outline).toBe('solid');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('made no request to another origin and logged no errors', () => {
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});

// Real market data (read in place, never copied into the repo): all ten files through the UI.
const MARKET_DIR = process.env.HELIX_MARKET_DATA ?? resolve('../shared/data/market');
const haveMarket = existsSync(MARKET_DIR);
if (!haveMarket) console.log(`Skipping the real-data browser import: ${MARKET_DIR} is absent (set HELIX_MARKET_DATA to its folder).`);

describe.skipIf(!haveMarket)('real market files in Chromium', () => {
  it('imports the ten files of ../shared/data/market into 7 assets and 3 environment series', async () => {
    const { page, context, foreignRequests } = await rig.newPage();
    await page.goto(rig.baseUrl);
    await waitReady(page);
    const files = readdirSync(MARKET_DIR).filter((f) => f.endsWith('.csv')).sort().map((f) => join(MARKET_DIR, f));
    expect(files).toHaveLength(10);
    await page.setInputFiles('#file-input', files);
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 120_000 });
    const accepted = await page.locator('[data-testid=file-reports] tbody tr td:nth-child(10)').allTextContents();
    expect(accepted.map((s) => s.trim())).toEqual(Array(10).fill('accepted'));
    const assetRows = page.locator('[data-testid=panel-summary] tbody tr');
    expect(await assetRows.count()).toBe(10);
    const roles: Record<string, string> = {};
    for (const row of await assetRows.all()) {
      const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
      roles[cells[0]] = cells[1];
    }
    expect(roles).toEqual({
      SPY: 'market', QUAL: 'factor', MTUM: 'factor', USMV: 'factor', VLUE: 'factor', SIZE: 'factor', IWF: 'factor',
      VIX: 'environment', DGS2: 'environment', DGS10: 'environment',
    });
    // The factor ETFs start in 2013; QUAL, the last of them, sets the start (the data's README).
    const summary = await page.locator('[data-testid=panel-summary]').textContent();
    expect(summary).toContain('Start set by QUAL');
    expect(summary).toContain('18 Jul 2013 –');
    await page.screenshot({ path: `${ARTIFACTS}/data-real-market.png`, fullPage: true });
    expect(foreignRequests).toEqual([]);
    await context.close();
  });
});
