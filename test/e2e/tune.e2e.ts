// The Tune screen in real headless Chromium against the built app: a grid study
// runs in the browser worker pool; cancel stops it at once (progress stops, every worker is
// terminated, the study is saved as resumable); a reload lists it; resume runs it on; a reload in
// the middle leaves it "interrupted" and resumable; the finished study's scores equal core's
// evaluator run in node on the same candidates; the trials table sorts and exports CSV; "use these
// parameters" writes the chosen λ and κ² into the backtest settings. While the workers run no
// main-thread task exceeds 100 ms, and no request leaves the origin.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { recordLongTasks, runStatus, waitForStatus } from './run-helpers.ts';
import { generateDemoPanel, DEMO_SEED } from '../../src/core/data/demo.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { buildTuningContext, evaluateCandidate } from '../../src/core/tuning/evaluate.ts';
import { defaultStaticWindows, scoreCandidate } from '../../src/core/tuning/select.ts';
import type { CandidateParams, SelectionConfig } from '../../src/core/tuning/types.ts';

const MINUTE = 60_000;

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
  // Long tasks, and when the tuning phase changes, from the first script of every page on.
  await recordLongTasks(context, { selector: '[data-testid=tune-status]', attribute: 'data-phase', marksVar: '__helixTuneMarks', key: 'phase' });
});
afterAll(async () => {
  await context?.close();
  await rig?.close();
});

async function goTo(screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

/** First open starts the demo backtest; it is not what this test is about, so stop it (frees the cores). */
/** Stops the demo run of a first open or a reload, if it is still going (a stored run ends in a second). */
async function stopDemoRun(): Promise<void> {
  const st = await waitForStatus(page, ['running', 'done', 'cancelled'], 2 * MINUTE);
  if (st === 'running') {
    await goTo('Backtest');
    if ((await runStatus(page)) === 'running') await page.locator('[data-testid=cancel-button]').click({ timeout: 5_000 }).catch(() => undefined);
    await waitForStatus(page, ['cancelled', 'done'], 30_000);
  }
}

const progress = () => page.locator('[data-testid=study-progress]');
async function attr(sel: string, name: string): Promise<string | null> {
  return page.locator(sel).first().getAttribute(name);
}
async function doneCount(): Promise<number> {
  return Number(await attr('[data-testid=study-progress]', 'data-done'));
}
async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** Long tasks (ms) that overlap a time the tuning phase was 'running' or 'planning', in this page. */
async function longTasksWhileRunning(): Promise<{ supported: boolean; durations: number[]; runningMs: number }> {
  const r = await page.evaluate<{ tasks: { start: number; duration: number }[] | null; marks: { phase: string | null; t: number }[]; now: number }>(
    '({ tasks: window.__helixLongTasks, marks: window.__helixTuneMarks || [], now: performance.now() })');
  const spans: [number, number][] = [];
  let start: number | null = null;
  for (const m of r.marks) {
    const busy = m.phase === 'running' || m.phase === 'planning' || m.phase === 'cancelling';
    if (busy && start === null) start = m.t;
    else if (!busy && start !== null) { spans.push([start, m.t]); start = null; }
  }
  if (start !== null) spans.push([start, r.now]);
  const tasks = r.tasks ?? [];
  const hit = tasks.filter((t) => spans.some(([a, b]) => t.start < b && t.start + t.duration > a));
  if (hit.length) console.log(`tune.e2e long tasks while tuning: ${hit.map((t) => `${t.duration.toFixed(0)} ms at ${t.start.toFixed(0)}`).join(', ')}; phases ${r.marks.map((m) => `${m.phase}@${m.t.toFixed(0)}`).join(' ')}`);
  return {
    supported: r.tasks !== null,
    durations: tasks.filter((t) => spans.some(([a, b]) => t.start < b && t.start + t.duration > a)).map((t) => t.duration),
    runningMs: spans.reduce((s, [a, b]) => s + (b - a), 0),
  };
}

const longTasks: number[] = [];
let runningMs = 0;
async function collectLongTasks(): Promise<void> {
  const r = await longTasksWhileRunning();
  expect(r.supported, 'PerformanceObserver long tasks are supported in this Chromium').toBe(true);
  longTasks.push(...r.durations);
  runningMs += r.runningMs;
}

describe('Tune screen in Chromium', () => {
  let studyId = '';

  it('starts a grid study in the worker pool, and cancel stops it at once, saved as resumable', async () => {
    await page.goto(rig.baseUrl);
    await stopDemoRun();
    await goTo('Tune');
    await page.locator('[data-testid=study-form]').waitFor();
    // QUAL only (the first factor is chosen by default), a 2 × 2 grid of λ and κ².
    await expect(page.locator('[data-testid=tune-factor-QUAL]').isChecked()).resolves.toBe(true);
    for (const t of ['MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF']) await expect(page.locator(`[data-testid=tune-factor-${t}]`).isChecked()).resolves.toBe(false);
    await page.locator('[data-testid=tune-sampler-grid]').check();
    await page.locator('[data-testid=tune-trials]').fill('4');
    await expect(page.locator('[data-testid=tune-count]').textContent()).resolves.toContain('= 4 candidates');
    await page.locator('[data-testid=tune-start]').click();

    await progress().waitFor({ timeout: MINUTE });
    await expect(attr('[data-testid=study-progress]', 'data-total')).resolves.toBe('4');
    // Workers: one per core but one.
    const poolSize = Number(await attr('[data-testid=study-progress]', 'data-workers'));
    const cores = await page.evaluate<number>('navigator.hardwareConcurrency');
    expect(poolSize).toBe(Math.max(1, cores - 1));
    await waitFor(async () => (await doneCount()) >= 1, 10 * MINUTE, 'the first trial');
    await waitFor(async () => Number(await attr('[data-testid=tune-status]', 'data-live-workers')) >= 1, MINUTE, 'a live worker');
    await page.screenshot({ path: `${ARTIFACTS}/tune-running.png`, fullPage: true });

    await page.locator('[data-testid=tune-cancel]').click();
    // Workers terminated at once, the study saved as cancelled.
    await waitFor(async () => (await attr('[data-testid=tune-status]', 'data-live-workers')) === '0', 2000, 'every worker to be terminated');
    await waitFor(async () => (await attr('[data-testid=study-progress]', 'data-status')) === 'cancelled', 10_000, 'the cancelled status');
    const done = await doneCount();
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(4);
    const started = Number(await attr('[data-testid=tune-status]', 'data-workers-started'));
    // Progress stops: nothing finishes and no worker starts afterwards.
    await page.waitForTimeout(3000);
    expect(await doneCount()).toBe(done);
    expect(Number(await attr('[data-testid=tune-status]', 'data-workers-started'))).toBe(started);
    expect(await attr('[data-testid=tune-status]', 'data-live-workers')).toBe('0');
    const item = page.locator('[data-testid=study-item]').first();
    await expect(item.getAttribute('data-status')).resolves.toBe('cancelled');
    await expect(item.getAttribute('data-resumable')).resolves.toBe('true');
    studyId = (await item.getAttribute('data-study-id')) ?? '';
    expect(studyId).toMatch(/^study-/);
    await collectLongTasks();
  }, 15 * MINUTE);

  it('a reload lists the saved study; resume runs on; a reload mid-run leaves it interrupted and resumable', async () => {
    await page.reload();
    await stopDemoRun();
    await goTo('Tune');
    const item = page.locator(`[data-testid=study-item][data-study-id="${studyId}"]`);
    await item.waitFor({ timeout: MINUTE });
    await expect(item.getAttribute('data-status')).resolves.toBe('cancelled');
    await expect(item.getAttribute('data-resumable')).resolves.toBe('true');
    const before = Number(/(\d+) of 4 trials/.exec((await item.textContent()) ?? '')?.[1]);
    expect(before).toBeGreaterThanOrEqual(1);

    await item.locator('[data-testid=study-resume]').click();
    await waitFor(async () => (await attr('[data-testid=study-progress]', 'data-status')) === 'running', MINUTE, 'the resumed study to run');
    expect(await doneCount()).toBe(before);
    if (before < 3) {
      // Interrupt it: reload while a trial runs (the page and its workers go away).
      await waitFor(async () => (await doneCount()) > before, 10 * MINUTE, 'a trial of the resumed study');
      await collectLongTasks();
      await page.reload();
      await stopDemoRun();
      await goTo('Tune');
      const again = page.locator(`[data-testid=study-item][data-study-id="${studyId}"]`);
      await again.waitFor({ timeout: MINUTE });
      await expect(again.getAttribute('data-status')).resolves.toBe('interrupted');
      await expect(again.getAttribute('data-resumable')).resolves.toBe('true');
      await again.locator('[data-testid=study-resume]').click();
    }
    await waitFor(async () => (await attr('[data-testid=study-progress]', 'data-status')) === 'done', 15 * MINUTE, 'the study to finish');
    expect(await doneCount()).toBe(4);
    await expect(attr('[data-testid=tune-status]', 'data-live-workers')).resolves.toBe('0');
    await expect(page.locator(`[data-testid=study-item][data-study-id="${studyId}"]`).getAttribute('data-status')).resolves.toBe('done');
    await collectLongTasks();
  }, 30 * MINUTE);

  it('the finished study’s scores equal core’s evaluator in node; table, heatmap, CSV and the choice agree', async () => {
    await page.locator('[data-testid=selection-table]').waitFor({ timeout: MINUTE });
    const rows = page.locator('[data-testid=trials-table] tbody tr');
    await expect(rows.count()).resolves.toBe(4);
    const trials = await rows.evaluateAll((els) => els.map((e) => ({
      id: Number(e.getAttribute('data-trial')),
      status: e.getAttribute('data-status'),
      score: Number(e.getAttribute('data-score')),
      params: Object.fromEntries(Array.from(e.querySelectorAll('td[data-param]') as ArrayLike<{ getAttribute(n: string): string | null }>)
        .map((c) => [c.getAttribute('data-param'), Number(c.getAttribute('data-value'))])),
    })));
    expect(trials.every((t) => t.status === 'done')).toBe(true);
    // The default sort is by score, best first.
    for (let i = 1; i < trials.length; i++) expect(trials[i - 1]!.score).toBeGreaterThanOrEqual(trials[i]!.score);
    // A 2 × 2 grid: λ ∈ {1, 1000} (log range ends), κ² ∈ {1, 17}.
    expect(new Set(trials.map((t) => `${t.params.jumpPenalty}/${t.params.maxFeatures}`))).toEqual(new Set(['1/1', '1/17', '1000/1', '1000/17']));

    // Reference: the same candidates through core's evaluator and score in node, on the same demo
    // data, configuration and static windows (the worker's plan: 70% / 30% of the out-of-sample days).
    const config = defaultConfig();
    const ctx = buildTuningContext(generateDemoPanel(DEMO_SEED), config, 'QUAL');
    const T = ctx.dates.length;
    const marker = new Float64Array(T).fill(NaN).fill(0, ctx.firstOutOfSample);
    const w = defaultStaticWindows(ctx.dates, [{ trialId: 0, params: {}, longShort: marker }]);
    const selection: SelectionConfig = { mode: 'static', validation: w.validation, holdout: { start: w.validation.end, end: '9999-12-31' } };
    for (const t of trials) {
      const path = evaluateCandidate(ctx, t.params as CandidateParams, { strategy: 'symmetric' });
      const ref = scoreCandidate(ctx.dates, path.longShort, selection);
      expect(Math.abs(t.score - ref) / Math.max(1e-12, Math.abs(ref)), `trial ${t.id} ${JSON.stringify(t.params)}: page ${t.score}, node ${ref}`).toBeLessThanOrEqual(1e-9);
    }

    // The heatmap has the four scores; the chosen candidate is the best one, outlined.
    const cells = await page.locator('[data-testid=grid-heatmap] td[data-score]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
    expect(cells.filter((x) => Number.isFinite(x)).sort()).toEqual(trials.map((t) => t.score).sort());
    const best = trials[0]!;
    await expect(page.locator('[data-testid=selection-table] tr[data-factor=QUAL]').getAttribute('data-trial')).resolves.toBe(String(best.id));
    await expect(page.locator('[data-testid=grid-heatmap] td.chosen').getAttribute('data-score')).resolves.toBe(String(best.score));

    // Sorting by trial number.
    await page.locator('[data-testid=trials-table] button[data-sort=id]').click();
    const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trial'))));
    expect(ids).toEqual([0, 1, 2, 3]);
    await page.locator('[data-testid=trials-table] button[data-sort=id]').click();
    await expect(rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trial'))))).resolves.toEqual([3, 2, 1, 0]);

    // CSV: a header and one line per trial, full precision.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=trials-csv]').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^factor,trial,batch,jumpPenalty,maxFeatures,status,score,/);
    expect(csv.length).toBe(5);
    const bestLine = csv.find((l) => l.startsWith(`QUAL,${best.id},`))!;
    expect(Number(bestLine.split(',')[6])).toBe(best.score);

    await page.screenshot({ path: `${ARTIFACTS}/tune.png`, fullPage: true });
    // At phone width nothing is wider than the screen (wide tables scroll inside their card).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await expect(page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).resolves.toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/tune-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    studyBest = best.params;
  }, 10 * MINUTE);

  let studyBest: Record<string, number> = {};
  it('"use these parameters" writes the chosen λ and κ² into the backtest settings', async () => {
    await page.locator('[data-testid=use-parameters]').click();
    await page.locator('main[data-screen=backtest]').waitFor();
    await expect(page.locator('input[data-path="factors.QUAL.jumpPenalty"]').inputValue()).resolves.toBe(String(studyBest.jumpPenalty));
    await expect(page.locator('input[data-path="factors.QUAL.maxFeatures"]').inputValue()).resolves.toBe(String(studyBest.maxFeatures));
    // The other factors keep the run-wide defaults.
    await expect(page.locator('input[data-path="factors.MTUM.jumpPenalty"]').inputValue()).resolves.toBe('');
  });

  it('no main-thread task over 100 ms while the workers ran; no request to another origin', async () => {
    console.log(`tune.e2e: ${longTasks.length} long tasks (> 50 ms) in ${(runningMs / 1000).toFixed(0)} s of tuning; longest ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms`);
    expect(runningMs).toBeGreaterThan(1000);
    for (const d of longTasks) expect(d).toBeLessThanOrEqual(100);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
