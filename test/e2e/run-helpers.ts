// Helpers for the browser tests of the Backtest, Periods and share-link screens:
// reading the run's status and the metric cells off the page, the CLI run to compare against,
// and a long-task recorder. Code that runs inside the page is passed as strings: the test
// project is type-checked without the DOM library.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { METRIC_DEFINITIONS } from '../../src/core/metrics/performance.ts';
import { formatDate, formatInteger, formatPercent, formatRatio } from '../../src/app/format.ts';

/** One cell of the metrics table as the page shows it. */
export interface MetricCell {
  series: string;
  group: 'metrics' | 'vsEqualWeight' | 'vsMarket';
  metric: string;
  /** The raw value ('' for none). */
  value: string;
  text: string;
  self: boolean;
}

export type CliMetrics = Record<string, Record<string, unknown> & { vsEqualWeight: Record<string, unknown> | null; vsMarket: Record<string, unknown> | null }>;

/** The run's status (idle, running, done, error, cancelled), on any screen. */
export async function runStatus(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid=run-status]', 'data-status');
}

/** Waits until the run's status is one of `statuses`; fails early on 'error' (with its message). */
export async function waitForStatus(page: Page, statuses: string[], timeoutMs: number): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const st = await runStatus(page).catch(() => null);
    if (st && statuses.includes(st)) return st;
    if (st === 'error' && !statuses.includes('error')) {
      const msg = await page.textContent('[data-testid=run-error]').catch(() => null);
      throw new Error(`the run failed: ${msg ?? '(no message on screen)'}`);
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`run status is still ${st} after ${timeoutMs} ms (waiting for ${statuses.join('/')})`);
    await page.waitForTimeout(250);
  }
}

/** Opens a screen by its navigation button and waits for it. */
export async function goTo(page: Page, screen: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
}

/** Every metric cell of the Backtest screen's table. */
export async function metricCells(page: Page): Promise<MetricCell[]> {
  await page.locator('[data-testid=metrics-table]').waitFor({ timeout: 60_000 });
  return page.evaluate<MetricCell[]>(`Array.from(document.querySelectorAll('[data-testid=metrics-table] td[data-metric]')).map((e) => ({
    series: e.getAttribute('data-series'), group: e.getAttribute('data-group'), metric: e.getAttribute('data-metric'),
    value: e.getAttribute('data-value'), text: e.textContent.trim(), self: e.getAttribute('data-self') === 'true',
  }))`);
}

export interface Comparison {
  /** Cells compared. */
  compared: number;
  /** Of those, equal to the last bit. */
  exact: number;
  /** Largest relative difference |page − cli| / max(|cli|, 1e-300). */
  maxRelative: number;
}

/**
 * Compares the page's cells with `cli backtest --json`: the raw value (not the rounded text) to a
 * relative tolerance, and the text exactly as the page formats the CLI's value.
 *
 * Why not bit for bit: the CLI runs on node 20's V8 and the page on Chromium's, and their
 * Math.exp / Math.log / Math.pow differ in the last bit for a few percent of inputs (measured:
 * sqrt agrees everywhere). core's EWMA decay and Black-Litterman confidence search use exp/log, so
 * the strategies' numbers agree to ~1e-14, not to the bit (EW and market, which need neither,
 * agree exactly). A different regime label or weight would move a metric by far more than 1e-9.
 */
export function compareWithCli(cells: MetricCell[], cli: CliMetrics, relativeTolerance = 1e-9): Comparison {
  const diffs: string[] = [];
  let compared = 0, exact = 0, maxRelative = 0;
  for (const c of cells) {
    if (c.self) continue;
    const s = cli[c.series];
    if (!s) { diffs.push(`${c.series}: not in the CLI output`); continue; }
    const src = c.group === 'metrics' ? s : s[c.group];
    if (!src) { diffs.push(`${c.series}.${c.group}: not in the CLI output`); continue; }
    const expected = src[c.metric];
    const where = `${c.series}.${c.group}.${c.metric}`;
    compared++;
    if (expected === null || expected === undefined) {
      if (c.value !== '' || c.text !== '—') diffs.push(`${where}: page ${c.value} "${c.text}", CLI null`); else exact++;
      continue;
    }
    if (typeof expected === 'string') {
      if (c.value !== expected) diffs.push(`${where}: page ${c.value}, CLI ${expected}`); else exact++;
      if (c.text !== formatCell(expected, c.metric)) diffs.push(`${where}: page shows "${c.text}", the CLI value formats as "${formatCell(expected, c.metric)}"`);
      continue;
    }
    const got = Number(c.value);
    if (got === expected) exact++;
    const rel = Math.abs(got - (expected as number)) / Math.max(Math.abs(expected as number), 1e-300);
    if (got !== expected) maxRelative = Math.max(maxRelative, rel);
    if (!(rel <= relativeTolerance) && got !== expected) diffs.push(`${where}: page ${c.value}, CLI ${String(expected)} (relative difference ${rel.toExponential(2)})`);
    const want = formatCell(expected as number, c.metric);
    if (c.text !== want) diffs.push(`${where}: page shows "${c.text}", the CLI value formats as "${want}"`);
  }
  if (diffs.length) throw new Error(`${diffs.length} metric(s) differ from the CLI:\n${diffs.join('\n')}`);
  return { compared, exact, maxRelative };
}

/** The CLI's value formatted as the metrics table formats it (MetricsTable.svelte). */
function formatCell(v: number | string, metric: string): string {
  const def = METRIC_DEFINITIONS.find((d) => d.key === metric);
  if (!def) return String(v);
  if (def.format === 'date') return formatDate(String(v));
  if (typeof v !== 'number') return String(v);
  if (def.format === 'percent') return formatPercent(v);
  if (def.format === 'number') return formatInteger(v);
  return formatRatio(v);
}

/** Runs `cli backtest --json` (in the background) and resolves with its metrics and the full result. */
export function cliBacktest(data: string[], sets: string[] = []): Promise<{ metrics: CliMetrics; result: { config: { dataset: { hash: string } | null } }; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'helix-cli-'));
  const out = join(dir, 'result.json');
  const args = ['tsx', 'src/cli/main.ts', 'backtest', '--data', ...data, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'];
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) { reject(new Error(`cli backtest exited ${code}: ${stderr.slice(-2000)}`)); return; }
      try {
        const json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { metrics: CliMetrics };
        const result = JSON.parse(readFileSync(out, 'utf8')) as { config: { dataset: { hash: string } | null } };
        resolve({ metrics: json.metrics, result, ms: Date.now() - t0 });
      } catch (e) {
        reject(new Error(`cli backtest output could not be read: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

/**
 * Records main-thread long tasks (PerformanceObserver 'longtask') and the moments the run's status
 * changes, from the first script of every page of `context` on.
 */
/**
 * From the first script of every page on: main-thread long tasks (`window.__helixLongTasks`) and
 * every change of the attribute `attribute` of the element `selector` (`window[marksVar]`, entries
 * `{ [key]: value, t }`). The defaults follow the run status.
 */
export async function recordLongTasks(context: BrowserContext, watch = { selector: '[data-testid=run-status]', attribute: 'data-status', marksVar: '__helixRunMarks', key: 'status' }): Promise<void> {
  const { selector, attribute, marksVar, key } = watch;
  await context.addInitScript({ content: `
    window.__helixLongTasks = [];
    window[${JSON.stringify(marksVar)}] = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__helixLongTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch (e) { window.__helixLongTasks = null; }
    let last = null;
    const mark = () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      const v = el ? el.getAttribute(${JSON.stringify(attribute)}) : null;
      if (v !== last) { last = v; window[${JSON.stringify(marksVar)}].push({ ${JSON.stringify(key)}: v, t: performance.now() }); }
    };
    new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: [${JSON.stringify(attribute)}] });
  ` });
}

export interface LongTaskReport {
  supported: boolean;
  tasks: { start: number; duration: number }[];
  marks: { status: string | null; t: number }[];
}

export async function longTaskReport(page: Page): Promise<LongTaskReport> {
  return page.evaluate<LongTaskReport>(`({ supported: Array.isArray(window.__helixLongTasks), tasks: window.__helixLongTasks || [], marks: window.__helixRunMarks || [] })`);
}

/** The intervals during which the run was 'running', from the marks. */
export function runningIntervals(marks: LongTaskReport['marks'], now = Infinity): [number, number][] {
  const out: [number, number][] = [];
  let start: number | null = null;
  for (const m of marks) {
    if (m.status === 'running' && start === null) start = m.t;
    else if (m.status !== 'running' && start !== null) { out.push([start, m.t]); start = null; }
  }
  if (start !== null) out.push([start, now]);
  return out;
}

/**
 * A plain static file server for `dir` under the URL prefix `prefix` (e.g. "/some/sub/path/"),
 * like any static host: no rewrites, no special headers. Resolves with its base URL and a close().
 */
export async function serveStatic(dir: string, prefix: string): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { extname, normalize, join: pjoin } = await import('node:path');
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
    '.svg': 'image/svg+xml', '.png': 'image/png', '.csv': 'text/csv', '.txt': 'text/plain', '.woff2': 'font/woff2',
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end('not found'); return; }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = normalize(pjoin(dir, rel));
    if (!file.startsWith(normalize(dir))) { res.writeHead(403).end(); return; }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('static server has no address');
  return {
    baseUrl: `http://127.0.0.1:${addr.port}${prefix}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
