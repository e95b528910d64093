// The Backtest and Periods screens in real headless Chromium against the built app:
// first open runs the demo backtest by itself and its metrics equal `cli backtest --data demo`
// exactly; while the worker runs no main-thread task exceeds 100 ms; every chart draws; the
// Periods table agrees with the run; exports download; a run can be cancelled; a reload shows the
// stored run; no request leaves the origin. The tests share one page and run in order.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import {
  cliBacktest, compareWithCli, metricCells, recordLongTasks, longTaskReport, runningIntervals, waitForStatus, runStatus, serveStatic,
  type CliMetrics, type MetricCell,
} from './run-helpers.ts';

const MINUTE = 60_000;

let rig: Rig;
let context: BrowserContext;
let page: Page;
let foreign: string[];
let errors: string[];
let cli: CliMetrics;
let firstCells: MetricCell[];

beforeAll(async () => {
  rig = await startRig();
  const p = await rig.newPage();
  context = p.context;
  page = p.page;
  foreign = p.foreignRequests;
  errors = p.consoleErrors;
  await recordLongTasks(context);
});
afterAll(async () => {
  await context?.close();
  await rig?.close();
});

async function goTo(screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

async function chartReady(id: string): Promise<void> {
  await page.locator(`[data-testid=chart-${id}] canvas[data-ready=true]`).waitFor({ timeout: MINUTE });
}

describe('Backtest screen in Chromium', () => {
  it('first open: the demo backtest runs by itself and every metric equals cli backtest --data demo', async () => {
    await page.goto(rig.baseUrl);
    await waitForStatus(page, ['running', 'done'], 2 * MINUTE);
    await goTo('Backtest');
    // The CLI runs the same default configuration on the same demo data meanwhile.
    const cliRun = cliBacktest(['demo']);
    if ((await runStatus(page)) === 'running') {
      await page.locator('[data-testid=run-progress]').waitFor();
      await expect(page.locator('[data-testid=cancel-button]').isVisible()).resolves.toBe(true);
    }
    await waitForStatus(page, ['done'], 20 * MINUTE);
    firstCells = await metricCells(page);
    const c = await cliRun;
    cli = c.metrics;
    const cmp = compareWithCli(firstCells, cli);
    // 4 series × (14 absolute + 6 vs EW + 6 vs market) cells, less the 2 series-against-itself groups.
    expect(cmp.compared).toBe(4 * 26 - 2 * 6);
    // The benchmarks need no exp/log: they agree to the bit (see compareWithCli for the strategies).
    for (const x of firstCells.filter((y) => (y.series === 'equalWeight' || y.series === 'market') && y.group === 'metrics' && y.value !== '')) {
      const v = cli[x.series]![x.metric];
      expect(typeof v === 'string' ? x.value : Number(x.value), `${x.series}.${x.metric}`).toBe(v);
    }
    // The text is the value formatted for people.
    const sharpe = firstCells.find((x) => x.series === 'symmetric' && x.metric === 'sharpe' && x.group === 'metrics')!;
    expect(sharpe.text).toBe((cli.symmetric!.sharpe as number).toFixed(2));
    const cagr = firstCells.find((x) => x.series === 'symmetric' && x.metric === 'cagr' && x.group === 'metrics')!;
    expect(cagr.text).toMatch(/^-?\d+\.\d{1,2}%$/);
    // Each formula is the row's tooltip and its accessible description.
    const th = page.locator('[data-testid=metrics-table] th[scope=row]').filter({ hasText: 'Sharpe' }).first();
    await expect(th.getAttribute('title')).resolves.toContain('mean(R − rf)/std(R − rf)·√252');
    const describedBy = await th.getAttribute('aria-describedby');
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toContain('Formula:');
    console.log(`demo backtest: page and CLI agree on ${cmp.compared} metrics (${cmp.exact} to the last bit, the rest within ${cmp.maxRelative.toExponential(1)} relative; CLI took ${(c.ms / 1000).toFixed(0)} s)`);
  }, 25 * MINUTE);

  it('while the worker ran, no main-thread task took more than 100 ms', async () => {
    const rep = await longTaskReport(page);
    expect(rep.supported).toBe(true);
    const intervals = runningIntervals(rep.marks);
    expect(intervals.length).toBeGreaterThanOrEqual(1);
    const during = rep.tasks.filter((t) => intervals.some(([a, b]) => t.start < b && t.start + t.duration > a));
    console.log(`long tasks: ${rep.tasks.length} in all (${rep.tasks.map((t) => `${t.duration.toFixed(0)} ms at ${t.start.toFixed(0)}`).join(', ') || 'none'}); ` +
      `run ${intervals.map(([a, b]) => `${a.toFixed(0)}–${b.toFixed(0)}`).join(', ')} ms; ${during.length} during the run`);
    expect(during.filter((t) => t.duration > 100)).toEqual([]);
  });

  it('draws every chart of the tearsheet, marks the out-of-sample start and toggles the log scale', async () => {
    for (const id of ['equity', 'drawdown', 'turnover', 'rolling-sharpe', 'rolling-ir', 'annual', 'allocation']) await chartReady(id);
    await expect(page.locator('[data-testid=chart-equity] figcaption').textContent()).resolves.toContain('starting at 1');
    await expect(page.locator('[data-testid=tearsheet]').locator('xpath=..').textContent()).resolves.toContain('marks the start of the out-of-sample window');
    const heat = page.locator('[data-testid=monthly-heatmap] tbody tr');
    expect(await heat.count()).toBeGreaterThanOrEqual(13); // 2012-2025
    await page.locator('[data-testid=chart-equity]').getByRole('checkbox', { name: 'Log scale' }).check();
    await chartReady('equity');
    await page.locator('[data-testid=chart-equity]').getByRole('checkbox', { name: 'Log scale' }).uncheck();
    await chartReady('equity');
    await expect(page.locator('[data-testid=result-notes]').textContent()).resolves.toContain('Out-of-sample window');
    await page.screenshot({ path: `${ARTIFACTS}/backtest.png`, fullPage: true });
  }, 5 * MINUTE);

  it('the settings form shows the defaults with their ranges and checks values inline', async () => {
    await page.locator('[data-testid=settings] > summary').click();
    const te = page.locator('[data-path=trackingErrorTarget]');
    // a percent setting is typed and shown in percent
    await expect(te.inputValue()).resolves.toBe('2');
    await expect(page.locator('#cfg-trackingErrorTarget-help').textContent()).resolves.toContain('Allowed 1% to 4%; default 2%');
    await te.fill('50');
    await expect(page.locator('[data-error-for=trackingErrorTarget]').textContent()).resolves.toContain('out of range');
    // The run waits until the settings are valid again.
    await expect(page.locator('[data-testid=run-button]').isEnabled()).resolves.toBe(false);
    await expect(page.locator('[data-testid=form-problems]').textContent()).resolves.toContain('a problem');
    await te.fill('2');
    await expect(page.locator('[data-testid=run-button]').isEnabled()).resolves.toBe(true);
    await expect(page.locator('[data-error-for=trackingErrorTarget]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=stale-notice]').count()).resolves.toBe(0);
    await page.locator('[data-testid=settings]').screenshot({ path: `${ARTIFACTS}/backtest-settings.png` });
    await page.locator('[data-testid=settings] > summary').click();
  }, 2 * MINUTE);

  it('exports the result as JSON, the series and weights as CSV and a chart as PNG', async () => {
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-json]').click()]);
    expect(json.suggestedFilename()).toMatch(/^helix-Demo-simulated-2025-12-31-result\.json$/);
    const result = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { version: number; strategies: { key: string; metrics: Record<string, unknown> }[] };
    expect(result.version).toBe(1);
    // The file holds exactly what the page shows.
    const shown = firstCells.find((x) => x.series === 'symmetric' && x.metric === 'sharpe' && x.group === 'metrics')!;
    expect(String(result.strategies.find((s) => s.key === 'symmetric')!.metrics.sharpe)).toBe(shown.value);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-series.csv"]').click()]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\n')[0]).toBe('date,symmetric_value,symmetric_return,asymmetric_value,asymmetric_return,equalWeight_value,equalWeight_return,market_value,market_return');
    const [weights] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-weights_symmetric.csv"]').click()]);
    expect(readFileSync((await weights.path())!, 'utf8').split('\n')[0]).toBe('date,SPY,QUAL,MTUM,USMV,VLUE,SIZE,IWF');

    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=chart-equity]').getByRole('button', { name: /PNG/ }).click()]);
    expect(png.suggestedFilename()).toMatch(/-equity\.png$/);
    const bytes = readFileSync((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(5000);
  }, 2 * MINUTE);
});

describe('Periods screen in Chromium', () => {
  it('shows the run over windows; the full window equals the run, calendar years and custom windows are there', async () => {
    await goTo('Periods');
    const table = page.locator('[data-testid=periods-table]');
    await table.waitFor({ timeout: MINUTE });
    const cell = (windowId: string, series: string, metric: string, group = 'metrics') =>
      page.locator(`[data-testid=periods-table] tr[data-window="${windowId}"] td[data-series="${series}"][data-metric="${metric}"][data-group="${group}"]`);
    // The full window is computed by core periodTable in the worker: it must equal the run's own
    // metrics (the Backtest screen's table) to the last bit.
    const shown = (series: string, metric: string, group = 'metrics') => firstCells.find((x) => x.series === series && x.metric === metric && x.group === group)!.value;
    for (const [series, metric, group] of [['symmetric', 'totalReturn'], ['asymmetric', 'sharpe'], ['market', 'sharpe'], ['equalWeight', 'maxDrawdown'],
      ['symmetric', 'activeReturn', 'vsEqualWeight'], ['asymmetric', 'informationRatio', 'vsEqualWeight']] as const) {
      await expect(cell('full', series, metric, group).getAttribute('data-value'), `${series} ${metric} ${group ?? ''}`).resolves.toBe(shown(series, metric, group));
    }
    // A metric chosen by the person gets its columns.
    await page.getByRole('checkbox', { name: 'Information ratio vs market' }).check();
    await expect(cell('full', 'symmetric', 'informationRatio', 'vsMarket').getAttribute('data-value')).resolves.toBe(shown('symmetric', 'informationRatio', 'vsMarket'));
    expect(await page.locator('[data-testid=periods-table] td[data-series=market][data-group=vsMarket]').count()).toBe(0); // not against itself
    for (const y of [2013, 2020, 2024]) expect(await page.locator(`tr[data-window=y${y}]`).count()).toBe(1);
    expect(await page.locator('tr[data-window=since-2022]').count()).toBe(1);
    // A window the person adds.
    await page.locator('[data-testid=window-from]').fill('2020-02-19');
    await page.locator('[data-testid=window-to]').fill('2020-03-23');
    await page.locator('[data-testid=add-window] button[type=submit]').click();
    const custom = page.locator('tr[data-window="custom-2020-02-19-2020-03-23"]');
    await custom.waitFor({ timeout: MINUTE });
    const dd = Number(await custom.locator('td[data-series=market][data-metric=maxDrawdown]').getAttribute('data-value'));
    expect(dd).toBeLessThan(0);
    // A window that starts after it ends is refused with a message, and nothing is added.
    await page.locator('[data-testid=window-from]').fill('2021-05-01');
    await page.locator('[data-testid=window-to]').fill('2021-01-01');
    await page.locator('[data-testid=add-window] button[type=submit]').click();
    await expect(page.locator('[data-testid=add-window] [role=alert]').textContent()).resolves.toContain('after the end');
    await page.locator('[data-testid=chart-periods-years] canvas[data-ready=true]').waitFor({ timeout: MINUTE });
    await page.screenshot({ path: `${ARTIFACTS}/periods.png`, fullPage: true });
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-periods]').click()]);
    expect(readFileSync((await csv.path())!, 'utf8').split('\n').length).toBeGreaterThan(20);
  }, 5 * MINUTE);
});

describe('running again', () => {
  it('a run can be cancelled: the worker stops and the previous result stays', async () => {
    await goTo('Backtest');
    await page.locator('[data-testid=settings] > summary').click();
    await page.locator('[data-path="model.seed"]').fill('1');
    await page.locator('[data-testid=stale-notice]').waitFor();
    await page.locator('[data-testid=run-button]').click();
    await waitForStatus(page, ['running'], MINUTE);
    await page.locator('[data-testid=run-progress]').waitFor();
    await page.waitForTimeout(1500);
    await page.locator('[data-testid=cancel-button]').click();
    await waitForStatus(page, ['cancelled'], 10_000);
    const after = await metricCells(page);
    expect(after).toEqual(firstCells);
    await page.locator('[data-path="model.seed"]').fill('0');
    await expect(page.locator('[data-testid=stale-notice]').count()).resolves.toBe(0);
  }, 3 * MINUTE);

  it('a reload shows the same run from this browser\'s store, without running it again', async () => {
    await page.reload();
    await waitForStatus(page, ['done'], 2 * MINUTE);
    await goTo('Backtest');
    await expect(page.locator('[data-testid=run-done]').textContent()).resolves.toContain('store of finished runs');
    compareWithCli(await metricCells(page), cli);
  }, 3 * MINUTE);

  it('no request left the page\'s origin and nothing was logged as an error', () => {
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('hosting and safety', () => {
  it('the built folder works from a sub-path of a plain static server (relative base), workers included', async () => {
    const host = await serveStatic('dist', '/some/deep/sub-path/');
    const { context: ctx, page: p, foreignRequests, consoleErrors } = await rig.newPage();
    try {
      const origin = new URL(host.baseUrl).origin;
      const offOrigin: string[] = [];
      p.on('request', (r) => { if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) offOrigin.push(r.url()); });
      const notFound: string[] = [];
      p.on('response', (r) => { if (r.status() >= 400) notFound.push(`${r.status()} ${r.url()}`); });
      await p.goto(host.baseUrl);
      // The data worker made the demo, and the backtest worker started on it.
      await p.locator('[data-testid=dataset-item]').first().waitFor({ timeout: 2 * MINUTE });
      await waitForStatus(p, ['running', 'done'], 2 * MINUTE);
      await p.locator('nav').getByRole('button', { name: 'Backtest', exact: true }).click();
      await p.locator('[data-testid=run-bar]').waitFor();
      if ((await runStatus(p)) === 'running') await p.locator('[data-testid=cancel-button]').click();
      expect(notFound).toEqual([]);
      expect(offOrigin).toEqual([]);
      expect(foreignRequests.filter((u) => !u.startsWith(origin))).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await ctx.close();
      await host.close();
    }
  }, 5 * MINUTE);

  it('the Content-Security-Policy stays strict and allows only what the app needs', () => {
    const html = readFileSync('dist/index.html', 'utf8');
    const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(m).not.toBeNull();
    const csp = Object.fromEntries(m![1]!.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0]!, d.slice(1)]));
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(["'self'"]); // no inline scripts, no eval
    expect(csp['worker-src']).toEqual(expect.arrayContaining(["'self'"]));
    for (const d of ['connect-src', 'img-src', 'worker-src']) for (const s of csp[d] ?? []) expect(["'self'", 'data:', 'blob:'], `${d} ${s}`).toContain(s);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'self'"]);
    // No script is inline and no asset is absolute (the relative base makes any sub-path work).
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/(src|href)="\/(?!\/)/);
  });

  it('no user text is ever inserted as HTML', () => {
    // {@html} is the one Svelte way to insert markup from a string; none of the app's components uses it.
    const files = readdirSync('src/app', { recursive: true }).map(String).filter((f) => f.endsWith('.svelte'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => readFileSync(join('src/app', f), 'utf8').includes('{@html'));
    expect(offenders).toEqual([]);
  });
});
