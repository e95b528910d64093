// What a new user tripped over, checked in real headless Chromium at 1366 × 900 against the built
// app: date axes tick on calendar boundaries with matching labels on every chart over trading days
// (read from chart.js itself); the metric formula marker is an SVG, not a glyph fonts may lack;
// the tracking-error note counts what it says; the Periods table fits its card; settings, messages,
// dates and counts are written one way; the tune chart's dots are whole and the legend shows them
// as dots, and a TPE study that is only random start-up trials says so; a share link of any length
// gets a message; invalid settings are named instead of "the paper's defaults".
//
// The runs use a cheap configuration (one k-means++ start, quarterly refits) so the file takes
// about two minutes; both strategies run, so tables have their full four columns.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { waitForStatus } from './run-helpers.ts';
import { encodeShareLink, MAX_ENCODED_CHARS } from '../../src/share/link.ts';
import { defaultConfig, type RunConfig } from '../../src/core/config.ts';

const MINUTE = 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function cheapConfig(): RunConfig {
  const c = defaultConfig();
  c.model.nInit = 1;
  c.model.jumpPenalty = 30;
  c.refitFrequency = 'quarterly';
  return c;
}

let rig: Rig;
let page: Page;
let foreign: string[] = [];
let errors: string[] = [];
const otherPages: { foreign: string[]; errors: string[] }[] = [];

beforeAll(async () => {
  rig = await startRig();
  const p = await rig.newPage();
  page = p.page;
  foreign = p.foreignRequests;
  errors = p.consoleErrors;
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${rig.baseUrl}#${encodeShareLink(cheapConfig())}`);
  await waitForStatus(page, ['done'], 10 * MINUTE);
}, 12 * MINUTE);
afterAll(async () => {
  await page?.context().close();
  await rig?.close();
});

async function goTo(screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

interface AxisTick { value: number; label: string; date: string; before: string | null }

/**
 * Evaluates `body` (page code, with `chart` the chart.js chart of the canvas in `figure`) once the
 * chart is drawn. chart.js is the page's own copy: its chunk is imported again (same URL, same
 * module) for Chart.getChart.
 */
async function onChart<T>(figure: string, body: string): Promise<T> {
  await page.locator(`${figure} canvas[data-ready=true]`).waitFor({ timeout: MINUTE });
  return page.evaluate<T>(`(async () => {
    const url = performance.getEntriesByType('resource').map((e) => e.name).find((n) => /\\/assets\\/chartjs-[^/]+\\.js$/.test(n));
    const m = await import(url);
    const Chart = Object.values(m).find((v) => typeof v === 'function' && typeof v.getChart === 'function');
    const chart = Chart.getChart(document.querySelector(${JSON.stringify(`${figure} canvas`)}));
    ${body}
  })()`);
}

/** The x-axis ticks chart.js drew, each with the date of its day and of the day before, as the chart's own tooltip writes them ("2 Jan 2014"). */
function axisTicks(figure: string): Promise<AxisTick[]> {
  return onChart<AxisTick[]>(figure, `
    const title = (x) => chart.options.plugins.tooltip.callbacks.title([{ parsed: { x } }]);
    return chart.scales.x.ticks.map((t) => ({ value: t.value, label: t.label, date: title(t.value), before: t.value > 0 ? title(t.value - 1) : null }));`);
}

/** "2 Jan 2014" → [2, 0, 2014]. */
function parts(date: string): [number, number, number] {
  const [d, m, y] = date.split(' ');
  return [Number(d), MONTHS.indexOf(m!), Number(y)];
}

/**
 * Every tick is on the first trading day of the period its label names: "2014" on the first day
 * of 2014 (the day before is in 2013), "Apr" or "Apr 2014" on the first day of April, a day label
 * on that day. Returns the kind of ticks seen.
 */
function checkCalendarAxis(name: string, ticks: AxisTick[]): 'year' | 'month' | 'day' {
  expect(ticks.length, `${name}: ticks`).toBeGreaterThanOrEqual(2);
  const kinds = new Set<string>();
  let prev = -Infinity;
  for (const t of ticks) {
    const where = `${name}: tick "${t.label}" at day ${t.value} (${t.date}, the day before ${t.before ?? 'none'})`;
    expect(Number.isInteger(t.value), where).toBe(true);
    expect(t.value, where).toBeGreaterThan(prev);
    prev = t.value;
    const [d, m, y] = parts(t.date);
    const [, bm, by] = t.before ? parts(t.before) : [0, -1, -1];
    if (/^\d{4}$/.test(t.label)) {
      kinds.add('year');
      expect(y, where).toBe(Number(t.label));
      expect(m, where).toBe(0);
      if (t.before) expect(by, where).toBeLessThan(y); else expect(d, where).toBeLessThanOrEqual(7);
    } else if (/^[A-Z][a-z]{2}( \d{4})?$/.test(t.label)) {
      kinds.add('month');
      expect(MONTHS[m], where).toBe(t.label.slice(0, 3));
      if (t.label.length > 3) expect(y, where).toBe(Number(t.label.slice(4)));
      if (t.before) expect(by * 12 + bm, where).toBeLessThan(y * 12 + m); else expect(d, where).toBeLessThanOrEqual(7);
    } else {
      kinds.add('day');
      expect(t.date.startsWith(t.label), where).toBe(true);
    }
  }
  expect(kinds.size, `${name}: one kind of tick`).toBe(1);
  const kind = [...kinds][0] as 'year' | 'month' | 'day';
  if (kind === 'year') expect(new Set(ticks.map((t) => t.label)).size, `${name}: no year twice`).toBe(ticks.length);
  return kind;
}

describe('what a new user tripped over, in Chromium at 1366 px', () => {
  it('the metric formula marker is an inline SVG, drawn whatever the fonts', async () => {
    await goTo('Backtest');
    // One marker per metric row (the evidence rows under a Sharpe or IR explain themselves).
    const rows = page.locator('[data-testid=metrics-table] tr:not(.evidence) th[scope=row]');
    const n = await rows.count();
    expect(n).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=metrics-table] tr:not(.evidence) th[scope=row] svg.info').count()).toBe(n);
    const box = await page.locator('[data-testid=metrics-table] th[scope=row] svg.info').first().boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(8);
    expect(box!.height).toBeGreaterThanOrEqual(8);
    expect(await page.locator('[data-testid=metrics-table]').textContent()).not.toContain('ⓘ');
  });

  it('the run notes count the tracking-error decisions as decisions', async () => {
    const notes = (await page.locator('[data-testid=result-notes]').textContent()) ?? '';
    expect(notes).not.toMatch(/met on [\d,]+ days/);
    const windowDays = Number(/\(([\d,]+) trading days\)/.exec(notes)![1]!.replace(/,/g, ''));
    for (const kind of ['symmetric', 'asymmetric']) {
      const text = (await page.locator(`[data-testid=te-note-${kind}]`).textContent()) ?? '';
      const m = /target was met at (?:all |[\d,]+ of the )([\d,]+) daily allocation decisions \(made at each close from (.+?) to (.+?), each traded at the next close\)/.exec(text);
      expect(m, text).not.toBeNull();
      // One decision at each close from the first refit; the window's first return comes two days
      // later and the last decision trades on the last day: one decision more than window days.
      expect(Number(m![1]!.replace(/,/g, '')), text).toBe(windowDays + 1);
      expect(text).toContain('the 2% tracking-error target');
    }
  });

  it('date axes: every tearsheet chart ticks on the first trading day of the year it names', async () => {
    for (const id of ['equity', 'drawdown', 'turnover', 'rolling-sharpe', 'rolling-ir', 'allocation']) {
      const ticks = await axisTicks(`[data-testid=chart-${id}]`);
      expect(checkCalendarAxis(id, ticks)).toBe('year');
    }
    // The wide chart has room for every year of the 2012-2025 window.
    expect((await axisTicks('[data-testid=chart-equity]')).map((t) => t.label)).toEqual(
      ['2013', '2014', '2015', '2016', '2017', '2018', '2019', '2020', '2021', '2022', '2023', '2024', '2025']);
    await page.locator('[data-testid=chart-equity]').screenshot({ path: `${ARTIFACTS}/ux-equity-axis.png` });
  });

  it('settings: percent in percent, messages by label, dates as text, and no false "defaults" while invalid', async () => {
    await page.locator('[data-testid=settings] > summary').click();
    const te = page.locator('[data-path=trackingErrorTarget]');
    await expect(te.inputValue()).resolves.toBe('2');
    await expect(page.locator('#cfg-trackingErrorTarget-help').textContent()).resolves.toContain('Allowed 1% to 4%; default 2%.');
    const note = page.locator('[data-testid=defaults-note]');
    await expect(note.textContent()).resolves.toContain('Some settings differ from the paper\'s defaults.');

    await te.fill('-2');
    await expect(page.locator('[data-error-for=trackingErrorTarget]').textContent()).resolves.toBe('Tracking-error target: -2% is out of range: allowed 1% to 4%');
    const invalid = (await note.textContent()) ?? '';
    expect(invalid).toContain('Tracking-error target is not valid');
    expect(invalid).not.toContain('defaults.');
    await page.locator('[data-path=covarianceHalflife]').fill('3000');
    await expect(page.locator('[data-error-for=covarianceHalflife]').textContent()).resolves.toBe('Covariance halflife: 3,000 is out of range: allowed 5 to 2,520');
    await expect(note.textContent()).resolves.toContain('Tracking-error target and Covariance halflife are not valid');
    await page.locator('[data-testid=settings]').screenshot({ path: `${ARTIFACTS}/ux-settings-invalid.png` });
    await page.locator('[data-path=covarianceHalflife]').fill('126');
    await te.fill('2%');
    await expect(page.locator('[data-error-for]').count()).resolves.toBe(0);
    await expect(note.textContent()).resolves.toContain('Some settings differ from the paper\'s defaults.');

    // Dates: a text field in the app's own format, not the browser's mm/dd/yyyy picker.
    expect(await page.locator('input[type=date]').count()).toBe(0);
    const start = page.locator('[data-path=startDate]');
    await start.fill('07/08/2013');
    await expect(page.locator('[data-error-for=startDate]').textContent()).resolves.toContain('write it as 18 Jul 2013');
    await start.fill('2013-07-18');
    await start.blur();
    await expect(start.inputValue()).resolves.toBe('18 Jul 2013');
    await expect(page.locator('[data-error-for=startDate]').count()).resolves.toBe(0);
    await start.fill('');
    await start.blur();
    await expect(page.locator('[data-testid=stale-notice]').count()).resolves.toBe(0);
    await page.locator('[data-testid=settings] > summary').click();
  });

  it('the Periods table, with the default metrics for four portfolios, is within its card at 1366 px', async () => {
    await goTo('Periods');
    const table = page.locator('[data-testid=periods-table]');
    await table.waitFor({ timeout: MINUTE });
    await page.locator('[data-testid=periods-table] td[data-metric=informationRatio][data-group=vsEqualWeight]').first().waitFor();
    const fit = await page.evaluate<{ tableRight: number; cardRight: number; scrollWidth: number; clientWidth: number; lastCellRight: number; series: number }>(`(() => {
      const t = document.querySelector('[data-testid=periods-table]');
      const card = t.closest('.card');
      const pad = parseFloat(getComputedStyle(card).paddingRight);
      const scroll = t.closest('.table-scroll');
      const cells = t.querySelectorAll('tbody tr:first-child td[data-metric=informationRatio][data-group=vsEqualWeight]');
      return {
        tableRight: t.getBoundingClientRect().right, cardRight: card.getBoundingClientRect().right - pad,
        scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth,
        lastCellRight: cells[cells.length - 1].getBoundingClientRect().right, series: new Set([...t.querySelectorAll('td[data-series]')].map((e) => e.dataset.series)).size,
      };
    })()`);
    expect(fit.series).toBe(4);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
    expect(fit.tableRight).toBeLessThanOrEqual(fit.cardRight + 0.5);
    expect(fit.lastCellRight).toBeLessThanOrEqual(fit.cardRight + 0.5);
    await page.screenshot({ path: `${ARTIFACTS}/ux-periods-1366.png`, fullPage: true });

    // A window added in the app's date format, labelled in it.
    await page.locator('[data-testid=window-from]').fill('19 Feb 2020');
    await page.locator('[data-testid=window-to]').fill('23 Mar 2020');
    await page.locator('[data-testid=add-window] button[type=submit]').click();
    const row = page.locator('tr[data-window="custom-2020-02-19-2020-03-23"] th');
    await row.waitFor({ timeout: MINUTE });
    await expect(row.textContent()).resolves.toContain('19 Feb 2020 – 23 Mar 2020');
  });

  it('date axes: the regime charts, and a short live fit ticks on quarters or months', async () => {
    await goTo('Regimes');
    for (const kind of ['symmetric', 'asymmetric']) {
      expect(checkCalendarAxis(`regimes-${kind}`, await axisTicks(`[data-testid=chart-regimes-${kind}]`))).toBe('year');
    }
    const live = page.locator('[data-testid=live-fit]');
    await live.scrollIntoViewIfNeeded();
    await expect(page.locator('[data-testid=live-end]').inputValue()).resolves.toBe('31 Dec 2025');
    await page.locator('[data-testid=live-factor]').selectOption('QUAL');
    await page.locator('[data-testid=live-end]').fill('30 Jun 2020');
    await page.locator('[data-testid=live-years]').fill('2');
    await page.locator('[data-testid=live-start]').click();
    await page.locator('[data-testid=live-fit][data-status=done]').waitFor({ timeout: 3 * MINUTE });
    const ticks = await axisTicks('[data-testid=chart-live-labels]');
    expect(checkCalendarAxis('live-labels', ticks)).toBe('month');
    expect(ticks.some((t) => /^Jan \d{4}$/.test(t.label))).toBe(true);
    await page.locator('[data-testid=chart-live-labels]').screenshot({ path: `${ARTIFACTS}/ux-live-axis.png` });
  }, 5 * MINUTE);

  it('date axes on the Data screen, and the import report writes counts and dates the app\'s way', async () => {
    await goTo('Data');
    expect(checkCalendarAxis('price-chart', await axisTicks('[data-testid=price-chart]'))).toBe('year');

    // Two small files, 1,100 weekdays each, one with a missing price: counts over 999 and notes.
    const days: string[] = [];
    for (const d = new Date('2015-03-02T00:00:00Z'); days.length < 1100; d.setUTCDate(d.getUTCDate() + 1)) {
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
    }
    const csv = (seed: number, skip = -1) => `Date,Close\n${days.map((d, i) => `${d},${i === skip ? 'null' : (100 + seed + Math.sin(i / 20 + seed) * 5).toFixed(3)}`).join('\n')}\n`;
    const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await page.setInputFiles('#file-input', [file('SPY.csv', csv(1, 40)), file('QUAL.csv', csv(2))]);
    const summary = page.locator('[data-testid=panel-summary]');
    await summary.waitFor({ timeout: MINUTE });
    const report = (await page.locator('[data-testid=import-report]').textContent()) ?? '';
    expect(report).not.toMatch(/\b1 (notes|errors|warnings)\b/);
    expect(report).not.toMatch(/(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])/); // no ISO dates on screen
    expect(report).not.toMatch(/(?<![\d,.])\d{4,} (common )?(trading )?days/); // counts have separators
    expect(await summary.textContent()).toMatch(/1,\d{3} (common )?trading days/);
    await page.locator('[data-testid=import-report]').screenshot({ path: `${ARTIFACTS}/ux-import-report.png` });
    await page.getByRole('button', { name: 'Close the report' }).click();
  });

  it('tune: a TPE study of start-up trials only says it is a random search; the chart\'s dots are whole and the legend shows dots', async () => {
    await goTo('Tune');
    await page.locator('[data-testid=study-form]').waitFor();
    await page.locator('[data-testid=tune-sampler-tpe]').check();
    await page.locator('[data-testid=tune-trials]').fill('3');
    const formNote = page.locator('[data-testid=tpe-note]');
    await expect(formNote.getAttribute('data-random')).resolves.toBe('true');
    await expect(formNote.textContent()).resolves.toContain('plain random search');
    await page.locator('[data-testid=tune-trials]').fill('40');
    await expect(formNote.textContent()).resolves.toContain('The first 16 trials per factor are random start-up draws');
    await page.locator('[data-testid=tune-trials]').fill('3');
    expect(await page.locator('input[type=date]').count()).toBe(0);
    await page.locator('[data-testid=tune-start]').click();
    await page.locator('[data-testid=study-progress][data-status=done]').waitFor({ timeout: 10 * MINUTE });
    await expect(page.locator('[data-testid=tpe-random-status]').textContent()).resolves.toContain('plain random search');
    // the status line writes dates as the app does
    expect(await page.locator('[data-testid=study-progress] p.small.muted').first().textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    const chart = await onChart<{ area: { left: number; right: number; top: number; bottom: number }; dots: { x: number; y: number; r: number }[]; legend: { text: string; pointStyle: string }[]; usePointStyle: boolean }>('[data-testid=chart-best]', `
      const dots = [];
      chart.data.datasets.forEach((d, i) => { if (d.showLine === false) for (const el of chart.getDatasetMeta(i).data) dots.push({ x: el.x, y: el.y, r: el.options.radius }); });
      const a = chart.chartArea;
      return { area: { left: a.left, right: a.right, top: a.top, bottom: a.bottom }, dots, usePointStyle: chart.options.plugins.legend.labels.usePointStyle,
        legend: chart.legend.legendItems.map((l) => ({ text: l.text, pointStyle: l.pointStyle })) };`);
    expect(chart.dots).toHaveLength(3);
    for (const d of chart.dots) {
      expect(d.x - d.r).toBeGreaterThanOrEqual(chart.area.left);
      expect(d.x + d.r).toBeLessThanOrEqual(chart.area.right);
      expect(d.y - d.r).toBeGreaterThanOrEqual(chart.area.top - 0.5);
      expect(d.y + d.r).toBeLessThanOrEqual(chart.area.bottom + 0.5);
    }
    expect(chart.usePointStyle).toBe(true);
    expect(chart.legend.find((l) => l.text.endsWith('trials'))!.pointStyle).not.toBe('line');
    expect(chart.legend.find((l) => l.text.endsWith('best so far'))!.pointStyle).toBe('line');
    await page.locator('[data-testid=study-progress]').screenshot({ path: `${ARTIFACTS}/ux-tune-best.png` });
  }, 12 * MINUTE);

  it('share links: every rejected link gets a message, however long', async () => {
    const p = await rig.newPage();
    otherPages.push({ foreign: p.foreignRequests, errors: p.consoleErrors });
    for (const n of [20_000, 68_000]) {
      const hash = `#run=v1.${'A'.repeat(n)}`;
      // opened with the link (the app starts on it) …
      await p.page.goto('about:blank');
      await p.page.goto(`${rig.baseUrl}${hash}`);
      const notice = p.page.locator('[data-testid=link-notice][data-kind=error]');
      await notice.waitFor({ timeout: MINUTE });
      // the whole hash past the decoder's first cap (4 × 16 KB), else the part after "run="
      const counted = hash.length > 4 * MAX_ENCODED_CHARS ? hash.length : hash.length - '#run='.length;
      await expect(notice.textContent()).resolves.toContain(`This share link is ${counted.toLocaleString('en-US')} characters long`);
      await p.page.locator('[data-testid=link-notice] button', { hasText: 'Dismiss' }).click();
      await notice.waitFor({ state: 'detached' });
      // … and pasted into the address of the open page (another hash: the same one fires no hashchange).
      await p.page.evaluate(`location.hash = ${JSON.stringify(`${hash}B`)}`);
      await notice.waitFor({ timeout: MINUTE });
      await expect(notice.textContent()).resolves.toContain('far more than any run configuration needs');
    }
    await p.context.close();
  });

  it('no request left the origin and no error was logged', () => {
    for (const o of otherPages) { foreign.push(...o.foreign); errors.push(...o.errors); }
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
