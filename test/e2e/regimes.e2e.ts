// The Regimes and Method screens in real headless Chromium against the built app: the
// demo run's regimes are drawn for every factor (bands, statistics, transition matrix, feature
// weights across refits) and every number on screen equals `cli backtest --data demo` on the same
// configuration; "Fit one model live" streams its iterations, converges, and gives the same model
// as core's fitSparseJumpModel run in node on the same window; no request leaves the origin; a
// screenshot of each screen is saved. The tests share one page and run in order.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { cliBacktest, waitForStatus } from './run-helpers.ts';
import type { BacktestResult } from '../../src/core/backtest/index.ts';
import { generateDemoPanel, DEMO_SEED } from '../../src/core/data/demo.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { prepareBacktestData } from '../../src/core/backtest/prepare.ts';
import { isoMinusYears, lowerBound } from '../../src/core/backtest/schedule.ts';
import { computeFactorFeatures, fitPreprocessor, applyPreprocessor } from '../../src/core/features/index.ts';
import { fitSparseJumpModel } from '../../src/core/regime/index.ts';

const MINUTE = 60_000;

let rig: Rig;
let context: BrowserContext;
let page: Page;
let foreign: string[];
let errors: string[];
let cli: BacktestResult;

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

async function goTo(screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

/** data-value attributes of the cells matched by `selector`, as numbers (NaN for empty). */
async function values(selector: string): Promise<number[]> {
  return page.locator(selector).evaluateAll((els) => els.map((e) => {
    const v = e.getAttribute('data-value');
    return v === null || v === '' ? NaN : Number(v);
  }));
}

function close(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
  expect(err, `${what}: page ${actual}, reference ${expected}`).toBeLessThanOrEqual(rel);
}

describe('Regimes screen in Chromium', () => {
  it('shows the demo run’s regimes per factor, with every number equal to cli backtest', async () => {
    await page.goto(rig.baseUrl);
    // The same default configuration on the same demo data, in the CLI, while the page runs it.
    const cliRun = cliBacktest(['demo']);
    await waitForStatus(page, ['running', 'done'], 2 * MINUTE);
    await goTo('Regimes');
    await waitForStatus(page, ['done'], 20 * MINUTE);
    cli = (await cliRun).result as unknown as BacktestResult;

    // The overview lists every factor.
    const overview = page.locator('[data-testid=regime-overview] tbody tr');
    await expect(overview.count()).resolves.toBe(cli.factors.length);

    // Both models side by side for the first factor (QUAL), each with its shaded chart.
    const q = cli.factors[0]!;
    for (const kind of ['symmetric', 'asymmetric'] as const) {
      const canvas = page.locator(`[data-testid=chart-regimes-${kind}] canvas[data-ready=true]`);
      await canvas.waitFor({ timeout: MINUTE });
      const bands = Number(await canvas.getAttribute('data-bands'));
      // One band per spell of the online labels: the spells of all states, from the CLI's statistics.
      const reg = q.regimes[kind]!;
      const spells = reg.regimeStats.states.reduce((s, x) => s + x.spells, 0);
      expect(bands).toBeGreaterThan(1);
      expect(Math.abs(bands - spells)).toBeLessThanOrEqual(2); // spells are counted out of sample (from evalStart); the chart starts 2 days earlier

      // Regime statistics: the raw values behind the cells equal the CLI's (same V8 family; see
      // run-helpers compareWithCli for why 1e-9 and not the bit).
      const stats = reg.regimeStats;
      const shares = await values(`[data-testid=regime-stats-${kind}] td[data-stat=share]`);
      const durations = await values(`[data-testid=regime-stats-${kind}] td[data-stat=averageDuration]`);
      const means = await values(`[data-testid=regime-stats-${kind}] td[data-stat=meanActiveReturn]`);
      expect(shares.length).toBe(stats.k);
      for (let s = 0; s < stats.k; s++) {
        close(shares[s]!, stats.states[s]!.share, 1e-12, `${kind} share of state ${s}`);
        close(durations[s]!, stats.states[s]!.averageDuration!, 1e-12, `${kind} mean duration of state ${s}`);
        close(means[s]!, stats.states[s]!.meanActiveReturn!, 1e-9, `${kind} mean active return of state ${s}`);
      }
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // The transition matrix: the CLI's, rows summing to 1.
      const m = await values(`[data-testid=transition-matrix-${kind}] tbody td`);
      expect(m.length).toBe(stats.k * stats.k);
      for (let i = 0; i < stats.k; i++) {
        let row = 0;
        for (let j = 0; j < stats.k; j++) {
          close(m[i * stats.k + j]!, stats.transitionMatrix[i]![j]!, 1e-12, `${kind} transition ${i}→${j}`);
          row += m[i * stats.k + j]!;
        }
        expect(row).toBeCloseTo(1, 12);
      }
      // Switches a year as the caption writes it.
      const caption = await page.locator(`[data-testid=transition-matrix-${kind}] caption`).textContent();
      expect(caption).toContain(`${stats.switchesPerYear!.toFixed(2)} switches a year`);
    }

    // The asymmetric effect is explained as detection delay, with the days the two models differ.
    await expect(page.locator('[data-testid=asymmetry-note]').textContent()).resolves.toContain('detection delay');
    await page.locator('[data-testid=disagreement]').waitFor();

    // Feature weights: one heatmap column per refit, the last refit's √w listed.
    const heat = page.locator('[data-testid=chart-weights-symmetric] canvas');
    await expect(heat.getAttribute('data-columns').then(Number)).resolves.toBe(q.regimes.symmetric!.refits.length);
    const last = q.regimes.symmetric!.refits[q.regimes.symmetric!.refits.length - 1]!;
    const details = await page.locator('[data-testid=refit-details]').textContent();
    expect(details).toContain(`${Number(last.date.slice(8, 10))} `); // "Refit of 1 Dec 2025"
    expect(details).toContain(`${last.nOuterIter} outer iteration`);
    // Picking the first refit with the slider shows its date.
    await page.locator('[data-testid=weights-symmetric-slider]').fill('0');
    const first = q.regimes.symmetric!.refits[0]!;
    await expect(page.locator('[data-testid=refit-details]').textContent()).resolves.toContain(first.date.slice(0, 4));

    await page.screenshot({ path: `${ARTIFACTS}/regimes.png`, fullPage: true });
  }, 30 * MINUTE);

  it('switches to the in-sample labels and to another factor', async () => {
    const canvas = page.locator('[data-testid=chart-regimes-symmetric] canvas');
    const online = Number(await canvas.getAttribute('data-bands'));
    await page.locator('[data-testid=source-insample]').check();
    await page.locator('[data-testid=chart-regimes-symmetric] canvas[data-ready=true]').waitFor();
    const inSample = Number(await canvas.getAttribute('data-bands'));
    expect(inSample).toBeGreaterThan(0);
    expect(inSample).not.toBe(online);
    await page.locator('[data-testid=source-online]').check();

    await page.locator('[data-testid=regime-factor]').selectOption('MTUM');
    await page.locator('[data-testid=chart-regimes-symmetric] canvas[data-ready=true]').waitFor();
    const mtum = cli.factors.find((f) => f.ticker === 'MTUM')!;
    const shares = await values('[data-testid=regime-stats-symmetric] td[data-stat=share]');
    close(shares[0]!, mtum.regimes.symmetric!.regimeStats.states[0]!.share, 1e-12, 'MTUM bull share');
    await page.locator('[data-testid=regime-factor]').selectOption('QUAL');
  });

  it('reads at phone width: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid=chart-regimes-symmetric] canvas[data-ready=true]').waitFor();
    await page.waitForTimeout(300);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/regimes-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('fits one model live: the iterations stream, it converges, and it equals core’s fit in node', async () => {
    const live = page.locator('[data-testid=live-fit]');
    await live.scrollIntoViewIfNeeded();
    await page.locator('[data-testid=live-factor]').selectOption('QUAL');
    await page.locator('[data-testid=live-lambda]').fill('50');
    await page.locator('[data-testid=live-kappa]').fill('9.5');
    await page.locator('[data-testid=live-years]').fill('12');
    await page.locator('[data-testid=live-start]').click();
    await page.locator('[data-testid=live-fit][data-status=done]').waitFor({ timeout: 2 * MINUTE });
    await page.locator('[data-testid=live-converged]').waitFor();
    // The iterations came as they happened (at least one progress message before the result).
    await expect(live.getAttribute('data-messages').then(Number)).resolves.toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid=chart-live-objective] canvas[data-ready=true]').waitFor();
    await page.locator('[data-testid=chart-live-labels] canvas[data-ready=true]').waitFor();

    // Weights on screen: w ≥ 0, ‖w‖₂ = 1, ‖w‖₁ ≤ κ = √9.5 (method §4).
    const w = await page.locator('[data-testid=live-weights] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-w'))));
    expect(w.length).toBe(17);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    expect(Math.sqrt(w.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 9);
    expect(w.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(Math.sqrt(9.5) + 1e-6);
    const objectives = await page.locator('[data-testid=live-fits] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-objective'))));
    const status = (await page.locator('[data-testid=live-status]').textContent()) ?? '';
    const steps = Number(/([\d,]+) EM iterations in all/.exec(status)?.[1]?.replace(/,/g, '') ?? NaN);
    expect(steps).toBeGreaterThan(objectives.length);
    await expect(page.locator('[data-testid=chart-live-objective] canvas').getAttribute('data-points').then(Number)).resolves.toBe(steps);

    // The reference: the same window and settings, fitted by core in node (the worker's recipe).
    const config = defaultConfig();
    const data = prepareBacktestData(generateDemoPanel(DEMO_SEED), config);
    const f = data.factorTickers.indexOf('QUAL');
    const feats = computeFactorFeatures({ active: data.active[f]!, market: data.marketReturns, vix: data.vix, dgs2: data.dgs2, dgs10: data.dgs10 });
    const lastDay = data.dates[data.dates.length - 1]!;
    const end = lowerBound(data.dates, `${lastDay}~`);
    const start = Math.max(feats.firstValid, lowerBound(data.dates, isoMinusYears(lastDay, 12)));
    const pp = fitPreprocessor(feats.X, feats.D, start, end);
    const Z = applyPreprocessor(pp, feats.X, feats.D, start, end);
    let nSteps = 0;
    const ref = fitSparseJumpModel(Z, end - start, feats.D, {
      k: 2, jumpPenalty: 50, maxFeatures: 9.5, nInit: config.model.nInit, seed: config.model.seed, ret: data.active[f]!.slice(start, end),
      onIteration: () => { nSteps++; },
    });
    expect(objectives.length).toBe(ref.nOuterIter);
    for (let i = 0; i < objectives.length; i++) close(objectives[i]!, ref.innerObjectives[i]!, 1e-9, `objective of inner fit ${i + 1}`);
    for (let d = 0; d < 17; d++) expect(Math.abs(w[d]! - ref.w[d]!), `w[${d}]`).toBeLessThan(1e-9);
    expect(steps).toBe(nSteps);
    expect(status).toContain(`${(end - start).toLocaleString('en-US')} days`);

    // Replay: the step slider shows the weights in force at that step.
    await page.locator('[data-testid=live-step]').fill('1');
    await expect(page.locator('[data-testid=live-step-text]').textContent()).resolves.toContain('E-step 1 of');
    await expect(page.locator('[data-testid=chart-live-objective] canvas').getAttribute('data-points').then(Number)).resolves.toBe(1);
    const w0 = await page.locator('[data-testid=live-weights] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-w'))));
    for (const x of w0) expect(x).toBeCloseTo(1 / Math.sqrt(17), 12); // the first inner fit starts at w = 1/√D

    await live.screenshot({ path: `${ARTIFACTS}/regimes-live-fit.png` });
  }, 5 * MINUTE);

  it('the Method screen shows the formulas and the defaults from core', async () => {
    await goTo('Method');
    await page.locator('[data-testid=method]').waitFor();
    await expect(page.locator('[data-testid=method-features] tbody tr').count()).resolves.toBe(17);
    const metrics = await page.locator('[data-testid=method-metrics]').textContent();
    expect(metrics).toContain('mean(R − rf)/std(R − rf)·√252');
    expect(metrics).toContain('active return / tracking error');
    const model = await page.locator('[data-testid=method-defaults-model]').textContent();
    expect(model).toContain('model.jumpPenalty');
    expect(model).toContain('50');
    await page.screenshot({ path: `${ARTIFACTS}/method.png`, fullPage: true });
  });

  it('made no request to another origin and logged no error', () => {
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
