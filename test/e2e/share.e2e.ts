// Share links in real headless Chromium against the built app (Share links): a run's
// link opened in a fresh browser context (its own, empty storage) reproduces identical metrics,
// and the same numbers as the CLI; a link whose data set is not on this machine says which one it
// needs and offers the import or the demo data; broken and hostile links show a friendly message
// and leave the run and everything stored untouched; no request leaves the origin.
//
// The runs use a cheap configuration (one k-means++ start, quarterly refits, symmetric strategy
// only) so the test takes seconds, not minutes; the default configuration is checked against the
// CLI in backtest.e2e.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { deflateSync } from 'fflate';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
import { encodeShareLink, decodeShareLink, toBase64Url } from '../../src/share/link.ts';
import { defaultConfig, type RunConfig } from '../../src/core/config.ts';
import { cliBacktest, compareWithCli, metricCells, waitForStatus, runStatus, type MetricCell } from './run-helpers.ts';

const MINUTE = 60_000;

function cheapConfig(): RunConfig {
  const c = defaultConfig();
  c.model.nInit = 1;
  c.model.jumpPenalty = 30;
  c.refitFrequency = 'quarterly';
  c.strategies.asymmetric = false;
  return c;
}
const CHEAP_SETS = ['model.nInit=1', 'model.jumpPenalty=30', 'refitFrequency=quarterly', 'strategies.asymmetric=false'];

const linkOfText = (text: string) => `#run=v1.${toBase64Url(deflateSync(new TextEncoder().encode(text)))}`;

/** Everything Helix keeps in IndexedDB, as a fingerprint per database (keys and a hash of each value). */
const STORAGE_SNAPSHOT = `(async () => {
  const fnv = (s) => { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; } return h.toString(16); };
  const replacer = (k, v) => (ArrayBuffer.isView(v) ? { typed: v.constructor.name, length: v.length, sum: Array.prototype.reduce.call(v, (a, b) => a + (Number.isFinite(b) ? b : 0), 0) } : v);
  const dbs = (await indexedDB.databases()).map((d) => d.name).filter((n) => n && n.startsWith('helix-')).sort();
  const out = {};
  for (const name of dbs) {
    out[name] = await new Promise((resolve) => {
      const r = indexedDB.open(name);
      r.onerror = () => resolve('could not open');
      r.onsuccess = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains('keyval')) { db.close(); resolve('no store'); return; }
        const st = db.transaction('keyval', 'readonly').objectStore('keyval');
        const kq = st.getAllKeys();
        kq.onsuccess = () => {
          const vq = st.getAll();
          vq.onsuccess = () => {
            resolve(kq.result.map((k, i) => JSON.stringify(k) + '=' + fnv(JSON.stringify(vq.result[i], replacer))).join(' | '));
            db.close();
          };
        };
      };
    });
  }
  return out;
})()`;

let rig: Rig;
const foreign: string[] = [];
const errors: string[] = [];

async function newPage(): Promise<Page> {
  const p = await rig.newPage();
  p.page.on('request', () => { /* recorded by the harness */ });
  // Collect into the file-wide lists (each context has its own).
  const f = p.foreignRequests, e = p.consoleErrors;
  p.page.on('close', () => { foreign.push(...f); errors.push(...e); });
  return p.page;
}

async function notice(page: Page, kind: string): Promise<string> {
  const el = page.locator(`[data-testid=link-notice][data-kind=${kind}]`);
  await el.waitFor({ timeout: MINUTE });
  return (await el.textContent()) ?? '';
}

beforeAll(async () => { rig = await startRig(); });
afterAll(async () => { await rig?.close(); });

let linkA = '';
let cellsA: MetricCell[] = [];

describe('share links in Chromium', () => {
  it('a run opened from its share link in a fresh browser context reproduces identical metrics (and the CLI\'s)', async () => {
    const cli = cliBacktest(['demo'], CHEAP_SETS);
    // Browser A: the settings arrive by a link without a data set; the run is made on the demo.
    const a = await newPage();
    await a.goto(`${rig.baseUrl}#${encodeShareLink(cheapConfig())}`);
    await waitForStatus(a, ['done'], 10 * MINUTE);
    await expect(a.locator('main').getAttribute('data-screen')).resolves.toBe('backtest');
    cellsA = await metricCells(a);
    linkA = await a.locator('[data-testid=share-link]').inputValue();
    expect(linkA.startsWith(rig.baseUrl)).toBe(true);
    // The link carries the configuration and the data set's reference (id, name, dates, content hash).
    const decoded = decodeShareLink(new URL(linkA).hash);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.config.dataset).toMatchObject({ name: 'Demo (simulated)', firstDate: '2004-01-02', lastDate: '2025-12-31' });
    expect(decoded.config.dataset!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(decoded.config.model.jumpPenalty).toBe(30);
    expect(decoded.config.refitFrequency).toBe('quarterly');
    await a.close();

    // Browser B: a fresh context (empty storage) follows the link.
    const b = await newPage();
    await b.goto(linkA);
    await waitForStatus(b, ['done'], 10 * MINUTE);
    await expect(b.locator('main').getAttribute('data-screen')).resolves.toBe('backtest');
    expect(await notice(b, 'loaded')).toContain('Opened a shared run on “Demo (simulated)”');
    const cellsB = await metricCells(b);
    expect(cellsB).toEqual(cellsA);
    await b.locator('[data-testid=settings] > summary').click();
    await expect(b.locator('[data-path="model.nInit"]').inputValue()).resolves.toBe('1');
    await expect(b.locator('[data-path="model.jumpPenalty"]').inputValue()).resolves.toBe('30');
    await expect(b.locator('[data-path="refitFrequency"]').inputValue()).resolves.toBe('quarterly');
    await b.screenshot({ path: `${ARTIFACTS}/share-opened.png`, fullPage: false });
    const c = await cli;
    const cmp = compareWithCli(cellsB, c.metrics);
    expect(cmp.compared).toBe(3 * 26 - 2 * 6);
    expect(c.result.config.dataset!.hash).toBe(decoded.config.dataset!.hash);
    await b.close();
  }, 20 * MINUTE);

  it('a link whose data set is not here says which one it needs, and offers the import or the demo data', async () => {
    const cfg = cheapConfig();
    cfg.dataset = { id: 'f'.repeat(64), name: 'My ETFs 2010-2024', hash: 'ab12cd34ef56'.padEnd(64, '0'), firstDate: '2010-01-04', lastDate: '2024-12-31' };
    const p = await newPage();
    await p.goto(`${rig.baseUrl}#${encodeShareLink(cfg)}`);
    const text = await notice(p, 'missing');
    expect(text).toContain('My ETFs 2010-2024');
    expect(text).toContain('4 Jan 2010');
    expect(text).toContain('31 Dec 2024');
    expect(text).toContain('ab12cd34ef56');
    // Nothing runs until the person chooses.
    await p.waitForTimeout(1000);
    expect(await runStatus(p)).toBe('idle');
    await p.screenshot({ path: `${ARTIFACTS}/share-missing-dataset.png` });
    await p.getByRole('button', { name: 'Import the data set…' }).click();
    await expect(p.locator('main').getAttribute('data-screen')).resolves.toBe('data');
    await p.getByRole('button', { name: 'Use the demo data instead' }).click();
    await waitForStatus(p, ['done'], 10 * MINUTE);
    expect(await notice(p, 'loaded')).toContain('on the demo data set instead of “My ETFs 2010-2024”');
    // Same settings on the same demo: the same numbers as the run above.
    expect(await metricCells(p)).toEqual(cellsA);
    await p.close();
  }, 15 * MINUTE);

  it('broken and hostile links show a friendly message and leave the run and the stored data untouched', async () => {
    const p = await newPage();
    await p.goto(linkA);
    await waitForStatus(p, ['done'], 10 * MINUTE);
    await p.locator('[data-testid=link-notice] button', { hasText: 'Dismiss' }).click();
    const before = await p.evaluate<Record<string, string>>(STORAGE_SNAPSHOT);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['helix-datasets', 'helix-runs', 'helix-settings']));
    const cellsBefore = await metricCells(p);
    const linkBefore = await p.locator('[data-testid=share-link]').inputValue();

    const hostile: [string, string, RegExp][] = [
      ['bad base64', '#run=v1.%%%not*base64%%%', /damaged: its data is not valid base64url/],
      ['bad deflate', `#run=v1.${toBase64Url(new TextEncoder().encode('certainly not a deflate stream, no'))}`, /does not decompress/],
      ['huge', `#run=v1.${'A'.repeat(17_000)}`, /far more than any run configuration needs/],
      ['deflate bomb', `#run=v1.${toBase64Url(deflateSync(new Uint8Array(12_000_000), { level: 9 }))}`, /expands to more than 256 KB/],
      ['wrong types', linkOfText(JSON.stringify({ version: 1, trackingErrorTarget: 'two percent', model: { k: [2] } })), /configuration is not valid \(.*Tracking-error target: "two percent" is not a finite number/],
      ['unknown version', '#run=v7.abcdef', /made by a newer version of Helix \(link format v7/],
      ['no version', '#run=hello', /has no version/],
      ['__proto__ keys', linkOfText('{"version":1,"__proto__":{"polluted":"yes"},"model":{"__proto__":{"polluted":"yes"}}}'), /unknown|not valid/],
      ['constructor key', linkOfText('{"version":1,"constructor":{"prototype":{"polluted":"yes"}}}'), /not valid/],
      ['deep nesting', linkOfText(`${'['.repeat(20_000)}${']'.repeat(20_000)}`), /nested more than 32 levels/],
      ['not an object', linkOfText('"just a string"'), /not valid/],
    ];
    for (const [name, hash, message] of hostile) {
      // Pasted into the address of the open page (hashchange)…
      await p.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      const text = await notice(p, 'error');
      expect(text, name).toMatch(message);
      // What to do next: ask for a fresh link (or, for a link from a newer Helix, reload).
      expect(text, name).toMatch(/Ask whoever sent it for a fresh link|Reload the page to get the latest version/);
      expect(await runStatus(p), name).toBe('done');
      await p.locator('[data-testid=link-notice] button', { hasText: 'Dismiss' }).click();
      await p.locator('[data-testid=link-notice]').waitFor({ state: 'detached' });
    }
    expect(await metricCells(p)).toEqual(cellsBefore);
    expect(await p.locator('[data-testid=share-link]').inputValue()).toBe(linkBefore);
    await expect(p.evaluate('({}).polluted === undefined && Object.prototype.polluted === undefined')).resolves.toBe(true);

    // …and as the address a page is opened with: the message, no run, nothing stored changes.
    for (const [name, hash, message] of hostile.slice(0, 6)) {
      await p.goto('about:blank');
      await p.goto(`${rig.baseUrl}${hash}`);
      const text = await notice(p, 'error');
      expect(text, name).toMatch(message);
      await p.waitForTimeout(300);
      expect(await runStatus(p), name).toBe('idle');
    }
    await p.screenshot({ path: `${ARTIFACTS}/share-broken-link.png` });
    const after = await p.evaluate<Record<string, string>>(STORAGE_SNAPSHOT);
    expect(after).toEqual(before);
    await p.close();
  }, 15 * MINUTE);

  it('no request left the origin and no error was logged', () => {
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
