// The pipeline in headless Chromium (Debian's, through playwright-core), on the production build:
//   1. first open in a fresh browser profile → the demo's tearsheet on screen (the regime paths of
//      the demo's default run come from the shipped seed cache, public/demo-cache.bin);
//   2. a re-run after changing only the tracking-error target (every regime path from the page's
//      memory: only the allocation and the metrics run, in a worker);
//   3. the same demo with another seed (no cache of any kind): the cold run, for comparison.
// Also the longest main-thread task seen in each (the page must stay responsive: ≤ 100 ms).
// Needs `npx vite build` first.
import { existsSync, readFileSync } from 'node:fs';
import { startRig } from '../e2e/harness.ts';
import { recordLongTasks, longTaskReport } from '../e2e/run-helpers.ts';

if (!existsSync('dist/index.html')) {
  console.log('pipeline browser bench skipped: dist/ is missing (run `npx vite build` first)');
  process.exit(0);
}
const QUICK = process.env.PIPELINE_BENCH_QUICK === '1';
const rig = await startRig();
const { page, context, consoleErrors } = await rig.newPage();
await recordLongTasks(context);
/** The longest main-thread task that started after `since` (page time, ms). */
const longestSince = async (since: number) => Math.max(0, ...(await longTaskReport(page)).tasks.filter((t) => t.start >= since).map((t) => t.duration));
const pageNow = () => page.evaluate<number>('performance.now()');

async function waitDone(timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const st = await page.getAttribute('[data-testid=run-status]', 'data-status').catch(() => null);
    if (st === 'done') return;
    if (st === 'error') throw new Error(`run failed: ${await page.textContent('[data-testid=run-error]').catch(() => '?')}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`still ${st} after ${timeoutMs} ms`);
    await page.waitForTimeout(250); // a tighter poll costs the page's CPU measurably (CDP round trips)
  }
}
const tearsheet = () => page.locator('[data-testid=metrics-table]').waitFor({ timeout: 120_000 });

const t0 = Date.now();
await page.goto(rig.baseUrl);
await waitDone(180_000);
await page.locator('nav').getByRole('button', { name: 'Backtest', exact: true }).click();
await tearsheet();
const firstOpen = Date.now() - t0;
const done1 = (await page.textContent('[data-testid=run-done]'))?.trim();
const lt1 = await longestSince(0);

await page.locator('details[data-testid=settings] summary').click();
const te = page.locator('[data-path="trackingErrorTarget"]');
await te.waitFor();
await te.fill('3');
await te.press('Tab');
const since2 = await pageNow();
const t1 = Date.now();
await page.locator('[data-testid=run-button]').click();
await page.waitForTimeout(20);
await waitDone(180_000);
await tearsheet();
const rerun = Date.now() - t1;
const done2 = (await page.textContent('[data-testid=run-done]'))?.trim();
const lt2 = await longestSince(since2);

console.log(`first open → demo tearsheet: ${(firstOpen / 1000).toFixed(1)} s (${done1}); longest main-thread task ${lt1.toFixed(0)} ms`);
console.log(`re-run after a tracking-error change: ${(rerun / 1000).toFixed(1)} s (${done2}); longest main-thread task ${lt2.toFixed(0)} ms`);

if (!QUICK) {
  // A cold run: the model seed changes every regime path, so nothing is cached.
  await te.fill('2');
  const seed = page.locator('[data-path="model.seed"]');
  await seed.fill('1');
  await seed.press('Tab');
  const since3 = await pageNow();
  const t2 = Date.now();
  await page.locator('[data-testid=run-button]').click();
  await page.waitForTimeout(20);
  await waitDone(30 * 60_000);
  await tearsheet();
  const cold = Date.now() - t2;
  console.log(`cold demo run (model.seed 1, nothing cached): ${(cold / 1000).toFixed(1)} s (${(await page.textContent('[data-testid=run-done]'))?.trim()}); longest main-thread task ${(await longestSince(since3)).toFixed(0)} ms`);
  // How the engine time of the 12 paths compares with the wall time: the workers' parallelism.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-json]').click()]);
  const rj = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as { runStats: { wallMs: number; workers: number; paths: { ms: number }[] } };
  const sum = rj.runStats.paths.reduce((a, p) => a + p.ms, 0);
  console.log(`  engine time of the ${rj.runStats.paths.length} regime paths ${(sum / 1000).toFixed(1)} s in ${(rj.runStats.wallMs / 1000).toFixed(1)} s of wall time on ${rj.runStats.workers} workers: ${(sum / rj.runStats.wallMs).toFixed(2)}× parallel`);
  console.log(`seed cache vs cold: the first open is ${(cold / firstOpen).toFixed(0)}× faster than computing the demo`);
}
if (consoleErrors.length) console.log(`console errors: ${consoleErrors.join(' | ')}`);
await context.close();
await rig.close();
