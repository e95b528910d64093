// Long-short factor returns in real headless Chromium (method.md §12), and two things a new user
// tripped over on the Data screen: series names are shown as the file writes them (Mkt-RF, not
// MKT-RF), and text in the price column is reported as what it is (row, column, text). A Ken
// French-style file written by code is imported, its built universe is shown and explained, a
// mixed set gets its message, and a run on it says what it built and has a row per decade.
import { describe, it, expect } from 'vitest';
import { useRigPage, paintedPixels, ARTIFACTS } from './harness.ts';
import { waitForStatus } from './run-helpers.ts';
import { frenchFile, iso } from '../fixtures/french.ts';

const MINUTE = 60_000;
const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
/** Twelve years of a Ken French-style daily file: long enough for a 4-year window and two decades out of sample. */
const FRENCH = frenchFile(3100, 5, [], '2002-01-02');

const t = useRigPage();

async function waitReady(): Promise<void> {
  await t.page.locator('[data-testid=dataset-item]').first().waitFor({ timeout: MINUTE });
  await t.page.locator('[data-testid=selected-dataset]').waitFor({ timeout: MINUTE });
}

async function goTo(screen: string): Promise<void> {
  await t.page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await t.page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

describe('long-short factor returns on the Data, Backtest and Periods screens', () => {
  it('text in the price column: the report names row 2, column Close and the text', async () => {
    // A link that cannot be read keeps the demo backtest from starting by itself: this test runs its own.
    await t.page.goto(`${t.rig.baseUrl}#run=v1.x`);
    await waitReady();
    await t.page.setInputFiles('#file-input', [file('prices.csv', 'Date,Close\n2024-01-02,hello\n2024-01-03,100\n2024-01-04,101\n2024-01-05,102\n')]);
    const issues = t.page.locator('[data-testid=issues] tbody tr');
    await issues.first().waitFor({ timeout: MINUTE });
    const text = (await issues.allTextContents()).join('\n');
    expect(text).toContain('row 2, column Close: "hello" is not a number');
    expect(text).not.toContain('text above the table');
    expect(text).not.toContain('HELLO');
    const row = (await t.page.locator('[data-testid=file-reports] tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    expect(row[5]).toBe('PRICES'); // the ticker comes from the file name, not from the bad cell
    await t.page.getByRole('button', { name: 'Close the report' }).click();
  }, 3 * MINUTE);

  it('a Ken French file: names as written, roles of a long-short universe, the built series shown and explained', async () => {
    await t.page.setInputFiles('#file-input', [file('F-F_Research_Data_Factors_daily.CSV', FRENCH.text)]);
    await t.page.locator('[data-testid=panel-summary]').waitFor({ timeout: MINUTE });
    const roles: Record<string, string> = {};
    for (const r of await t.page.locator('[data-testid=panel-summary] tbody tr').all()) {
      const cells = (await r.locator('td').allTextContents()).map((s) => s.trim());
      roles[cells[0]!] = cells[1]!;
    }
    expect(roles).toEqual({ 'Mkt-RF': 'market', SMB: 'longShort', HML: 'longShort', RF: 'riskFree' });
    await t.page.fill('#save-name', 'French test');
    await t.page.getByRole('button', { name: 'Save as a new data set' }).click();
    await t.page.locator('[data-testid=saved]').waitFor();
    await t.page.getByRole('button', { name: 'Close the report' }).click();
    // The stored data set, read back from this browser's storage after a reload: names as written.
    await t.page.reload();
    await waitReady();
    await t.page.locator('[data-testid=selected-dataset] h3', { hasText: 'French test' }).waitFor();
    expect(await t.page.locator('[data-testid=roles] tbody th').allTextContents()).toEqual(['Mkt-RF', 'SMB', 'HML', 'RF']);
    expect(await t.page.getByLabel('Role of Mkt-RF').inputValue()).toBe('market');
    expect(await t.page.getByLabel('Role of RF').inputValue()).toBe('riskFree');
    expect(await t.page.getByLabel('Role of SMB').inputValue()).toBe('longShort');
    const built = t.page.locator('[data-testid=built-universe]');
    await expect(built.locator('[data-testid=built-description]').textContent()).resolves.toContain('r_m = Mkt-RF + RF');
    await expect(built.locator('[data-testid=proxy-note]').textContent()).resolves.toContain('Research proxy, not an investable fund');
    await expect(built.textContent()).resolves.toContain('runs on it use the 14 return features');
    expect(await built.locator('[data-testid=built-series] tbody th').allTextContents()).toEqual(['Mkt-RF + RF', 'market + SMB', 'market + HML']);
    expect(await built.locator('[data-testid=built-series] tbody td:nth-child(2)').allTextContents()).toEqual(['r_m = Mkt-RF + RF', 'r_m + SMB', 'r_m + HML']);
    expect(await paintedPixels(t.page, 'built-chart')).toBeGreaterThan(2000);
    await t.page.screenshot({ path: `${ARTIFACTS}/data-french.png`, fullPage: true });
  }, 3 * MINUTE);

  it('a mixed set gets the message saying what can be combined', async () => {
    const spy = ['Date,Adj Close', ...FRENCH.dates.slice(0, 300).map((d, i) => `${iso(d)},${(100 + i / 10).toFixed(2)}`)].join('\n');
    await t.page.setInputFiles('#file-input', [file('F-F_Research_Data_Factors_daily.CSV', FRENCH.text), file('SPY.csv', spy)]);
    await t.page.locator('[data-testid=panel-summary]').waitFor({ timeout: MINUTE });
    const text = (await t.page.locator('[data-testid=import-report]').textContent()) ?? '';
    expect(text).toContain('SPY holds asset prices and SMB and HML are long-short factor returns: they cannot be combined in one universe');
    expect(text).toContain('environment series (VIX, DGS2, DGS10) combine with either');
    await t.page.getByRole('button', { name: 'Close the report' }).click();
  }, 3 * MINUTE);

  it('a run on it says what it built and uses RF; the Periods screen has a row and a bar per decade', async () => {
    await goTo('Backtest');
    const bar = t.page.locator('[data-testid=run-bar]');
    await expect(bar.textContent()).resolves.toContain('the universe is built from them');
    await expect(bar.textContent()).resolves.toContain('running on the 14 return features');
    // A shorter run than the defaults: 4-year windows, quarterly refits, one strategy.
    await t.page.locator('[data-testid=settings] > summary').click();
    await t.page.locator('[data-path=trainMinYears]').fill('4');
    await t.page.locator('[data-path=trainMaxYears]').fill('5');
    await t.page.locator('[data-path=refitFrequency]').selectOption('quarterly');
    await t.page.locator('[data-path="strategies.asymmetric"]').uncheck();
    await t.page.locator('[data-path="model.nInit"]').fill('3');
    expect(await t.page.locator('[data-path=universe]').inputValue()).toBe('longShort');
    expect(await t.page.locator('[data-path=riskFree]').inputValue()).toBe('RF');
    await t.page.locator('[data-testid=settings] > summary').click();
    await t.page.locator('[data-testid=run-button]').click();
    await waitForStatus(t.page, ['done'], 15 * MINUTE);
    await expect(t.page.locator('[data-testid=result-notes]').textContent()).resolves.toContain('Universe built from long-short factor returns');
    await expect(t.page.locator('[data-testid=result-notes]').textContent()).resolves.toContain('a research proxy, not an investable fund');
    await expect(t.page.locator('[data-testid=metrics-table]').textContent()).resolves.toContain('Market (Mkt-RF + RF)');

    await goTo('Periods');
    await t.page.locator('[data-testid=periods-table]').waitFor({ timeout: MINUTE });
    for (const d of ['d2000', 'd2010']) expect(await t.page.locator(`[data-testid=periods-table] tr[data-window=${d}]`).count()).toBe(1);
    await expect(t.page.locator('tr[data-window=d2010] th').textContent()).resolves.toContain('2010s');
    const sharpe = await t.page.locator('tr[data-window=d2010] td[data-series=symmetric][data-metric=sharpe][data-group=metrics]').getAttribute('data-value');
    expect(Number.isFinite(Number(sharpe))).toBe(true);
    expect(await paintedPixels(t.page, 'chart-periods-decades')).toBeGreaterThan(500);
    await t.page.screenshot({ path: `${ARTIFACTS}/periods-decades.png`, fullPage: true });
  }, 20 * MINUTE);

  it('made no request to another origin and logged no errors', () => {
    expect(t.foreignRequests).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
  });
});
