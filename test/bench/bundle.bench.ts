// Benchmark (Performance): the initial JavaScript a first visit downloads, gzipped, and
// the first render time on localhost in headless Chromium.
//
//   npx tsx test/bench/bundle.bench.ts [runs]      (default 7 page loads)
//
// 1. Builds the app into a temporary folder (not dist/, which browser tests may be using).
// 2. Initial JavaScript = the entry chunk named in index.html plus every chunk it imports
//    statically, transitively (what the browser must fetch before the app can start); screens,
//    chart.js and the workers load later, on demand. Each file gzipped at level 9. Target ≤ 250 KB.
// 3. First render: a fresh browser context (empty cache and storage, like a first visit) opens the
//    page from a plain static server on localhost; the time from navigation start to the first
//    meaningful element visible — the current screen's heading inside <main>, with the navigation —
//    read in the page with performance.now() (whose zero is navigation start). Also printed: first
//    contentful paint, and when the demo data set is listed (it is generated in a worker on first
//    visit). Target < 1.5 s (median).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness.ts';
import { serveStatic } from '../e2e/run-helpers.ts';

const runs = Math.max(1, Number(process.argv[2] ?? 7));
const out = mkdtempSync(join(tmpdir(), 'helix-bundle-'));

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

try {
  console.log(`building into ${out} …`);
  const b = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('vite build failed');

  // ---- initial JavaScript -----------------------------------------------------------------------
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="\.\/([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\.\/([^"]+)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  const queue = [...entries, ...preloads];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const code = readFileSync(join(out, f), 'utf8');
    // Static imports only: `import … from "./x.js"` and `import "./x.js"`; `import("./x.js")` is lazy.
    const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : '';
    for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\/[^"']+)["']/g)) {
      queue.push(dir + m[1]!.slice(2));
    }
  }
  let raw = 0, gz = 0;
  const rows: string[] = [];
  for (const f of seen) {
    const buf = readFileSync(join(out, f));
    const g = gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    rows.push(`  ${f.padEnd(44)} ${kb(buf.length).padStart(10)}  gzip ${kb(g).padStart(9)}`);
  }
  const css = readdirSync(join(out, 'assets')).filter((f) => f.startsWith('index-') && f.endsWith('.css'));
  const cssGz = css.reduce((s, f) => s + gzipSync(readFileSync(join(out, 'assets', f)), { level: 9 }).length, 0);
  const lazy = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js') && !seen.has(`assets/${f}`));
  const lazyGz = lazy.reduce((s, f) => s + gzipSync(readFileSync(join(out, 'assets', f)), { level: 9 }).length, 0);
  console.log('\nInitial JavaScript (entry + static imports):');
  for (const r of rows) console.log(r);
  console.log(`  total: ${kb(raw)} raw, ${kb(gz)} gzipped (target ≤ 250 KB gzipped: ${gz <= 250 * 1024 ? 'met' : 'NOT met'}); initial CSS ${kb(cssGz)} gzipped`);
  console.log(`  loaded on demand: ${lazy.length} chunks and workers, ${kb(lazyGz)} gzipped in all (largest: ${lazy
    .map((f) => [f, statSync(join(out, 'assets', f)).size] as const).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([f, s]) => `${f} ${kb(s)}`).join(', ')})`);

  // ---- first render -----------------------------------------------------------------------------
  const host = await serveStatic(out, '/');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const screen: number[] = [], fcp: number[] = [], listed: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await ctx.addInitScript({ content: `
        window.__bench = {};
        const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
        const check = () => {
          const b = window.__bench;
          if (b.screen === undefined && visible(document.querySelector('main h2')) && visible(document.querySelector('nav'))) b.screen = performance.now();
          if (b.listed === undefined && visible(document.querySelector('[data-testid=dataset-item]'))) b.listed = performance.now();
        };
        new MutationObserver(check).observe(document, { childList: true, subtree: true });
      ` });
      const page = await ctx.newPage();
      await page.goto(host.baseUrl);
      // A function, not a string: the app's CSP forbids eval, which a string predicate would need.
      await page.waitForFunction(() => {
        const b = (globalThis as unknown as { __bench?: { screen?: number; listed?: number } }).__bench;
        return !!b && b.screen !== undefined && b.listed !== undefined;
      }, undefined, { timeout: 60_000 });
      const r = await page.evaluate<{ screen: number; listed: number; fcp: number }>(
        `({ screen: window.__bench.screen, listed: window.__bench.listed, fcp: (performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime })`);
      screen.push(r.screen); listed.push(r.listed); fcp.push(r.fcp);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await host.close();
  }
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`\nFirst render on localhost, headless Chromium, fresh context each time (${runs} loads):`);
  console.log(`  first meaningful element (screen heading and navigation) visible: median ${median(screen).toFixed(0)} ms  [${fmt(screen)}]  (target < 1500 ms: ${median(screen) < 1500 ? 'met' : 'NOT met'})`);
  console.log(`  first contentful paint:                                          median ${median(fcp).toFixed(0)} ms  [${fmt(fcp)}]`);
  console.log(`  demo data set generated in the worker and listed:                median ${median(listed).toFixed(0)} ms  [${fmt(listed)}]`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
