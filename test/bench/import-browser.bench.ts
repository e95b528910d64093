// Benchmark (Performance): a ~50 MB price file imports in the data worker while the page
// stays responsive. In headless Chromium against the built app, a PerformanceObserver('longtask')
// records every main-thread task over 50 ms; the target is none over 100 ms.
//
//   npx tsx test/bench/import-browser.bench.ts [sizeMB]      (default 50)
//
// Prints the file size, the import time (file chosen → report on screen, and the worker round trip
// alone), MB/s, and the longest main-thread task during the import and while the report renders.
// Builds dist/ first when it is missing or older than the sources.
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { startRig } from '../e2e/harness.ts';

const sizeMB = Number(process.argv[2] ?? 50);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const f of readdirSync(path)) m = Math.max(m, newestMtime(join(path, f)));
  return m;
}

function ensureBuild(): void {
  const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
  const sources = Math.max(newestMtime('src'), newestMtime('workers'), newestMtime('index.html'), newestMtime('vite.config.ts'));
  if (built && built >= sources) return;
  console.log(built ? 'dist/ is older than the sources: building…' : 'dist/ is missing: building…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

/**
 * A wide file (Date + N ticker columns of prices, weekdays from 1980) of about `mb` megabytes:
 * the shape a person gets exporting a large universe from a spreadsheet. Deterministic LCG walk.
 */
function makeWideCsv(mb: number): { text: string; rows: number; tickers: number } {
  const tickers = 400;
  const bytesPerRow = 11 + tickers * 9; // "YYYY-MM-DD" + ",123.4567" per ticker
  const rows = Math.ceil((mb * 1024 * 1024) / bytesPerRow);
  const names = Array.from({ length: tickers }, (_, i) => `T${String(i).padStart(3, '0')}`);
  const parts: string[] = ['Date,' + names.join(',')];
  const px = new Float64Array(tickers).fill(100);
  let s = 12345;
  const d = new Date(Date.UTC(1980, 0, 2));
  for (let r = 0; r < rows; r++) {
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
    let line = d.toISOString().slice(0, 10);
    for (let k = 0; k < tickers; k++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      px[k] *= 1 + (s / 2 ** 32 - 0.5) * 0.02;
      if (px[k] < 10 || px[k] > 900) px[k] = 100; // keep every value to 8 characters
      line += ',' + px[k].toFixed(4).padStart(8, '0');
    }
    parts.push(line);
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return { text: parts.join('\n') + '\n', rows, tickers };
}

async function main(): Promise<void> {
  ensureBuild();
  const dir = mkdtempSync(join(tmpdir(), 'helix-bench-'));
  const t0 = performance.now();
  const { text, rows, tickers } = makeWideCsv(sizeMB);
  const path = join(dir, 'WIDE.csv');
  writeFileSync(path, text);
  const bytes = statSync(path).size;
  console.log(`generated ${path}: ${(bytes / 1048576).toFixed(1)} MB, ${rows.toLocaleString('en-US')} rows × ${tickers} tickers (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  const rig = await startRig();
  try {
    const { page, context } = await rig.newPage();
    await page.addInitScript(() => {
      // Typed structurally: this script is type-checked without the DOM lib.
      type Entries = { getEntries(): { startTime: number; duration: number }[] };
      const { PerformanceObserver } = globalThis as unknown as {
        PerformanceObserver: new (cb: (list: Entries) => void) => { observe(o: { type: string; buffered: boolean }): void };
      };
      const w = globalThis as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const tOpen = Date.now();
    await page.goto(rig.baseUrl);
    await page.locator('[data-testid=selected-dataset]').waitFor({ timeout: 120_000 });
    console.log(`app ready with the demo data set in ${Date.now() - tOpen} ms`);
    await page.waitForTimeout(500);

    const tStart = await page.evaluate(() => performance.now());
    const wallStart = Date.now();
    await page.setInputFiles('#file-input', path);
    await page.locator('[data-testid=file-reports]').waitFor({ timeout: 600_000 });
    const tReport = await page.evaluate(() => performance.now());
    const wall = Date.now() - wallStart;
    await page.waitForTimeout(1000); // let the report settle, so its rendering tasks are counted
    const res = await page.evaluate(() => {
      const m = performance.getEntriesByName('helix-import', 'measure').pop();
      const w = globalThis as unknown as { __longTasks: { start: number; duration: number }[] };
      return { workerMs: m ? m.duration : NaN, workerStart: m ? m.startTime : NaN, tasks: w.__longTasks };
    });
    const accepted = await page.locator('[data-testid=file-reports] tbody tr td').nth(9).textContent();
    const during = res.tasks.filter((t) => t.start >= tStart && t.start <= tReport);
    const after = res.tasks.filter((t) => t.start > tReport);
    const max = (ts: { duration: number }[]) => ts.reduce((m, t) => Math.max(m, t.duration), 0);
    const mb = bytes / 1048576;
    console.log(`file accepted: ${accepted?.trim()}`);
    console.log(`import, file chosen → report on screen: ${(tReport - tStart).toFixed(0)} ms (${(mb / ((tReport - tStart) / 1000)).toFixed(1)} MB/s); driver wall clock ${wall} ms`);
    console.log(`import, read + worker round trip (helix-import measure): ${res.workerMs.toFixed(0)} ms (${(mb / (res.workerMs / 1000)).toFixed(1)} MB/s)`);
    console.log(`main-thread long tasks while importing: ${during.length}, longest ${max(during).toFixed(0)} ms`);
    console.log(`main-thread long tasks while the report renders: ${after.length}, longest ${max(after).toFixed(0)} ms`);
    for (const t of [...during, ...after]) {
      console.log(`  long task at +${(t.start - tStart).toFixed(0)} ms after the file was chosen (import started +${(res.workerStart - tStart).toFixed(0)} ms, ended +${(res.workerStart + res.workerMs - tStart).toFixed(0)} ms): ${t.duration.toFixed(0)} ms`);
    }
    const worst = Math.max(max(during), max(after));
    console.log(worst > 100 ? `TARGET MISSED: a main-thread task took ${worst.toFixed(0)} ms (> 100 ms)` : `target met: no main-thread task over 100 ms (longest ${worst.toFixed(0)} ms)`);
    await context.close();
  } finally {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
