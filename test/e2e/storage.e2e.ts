// Storage on the browser's real IndexedDB ("real IndexedDB in Chromium"): what the app
// writes is read back with the raw IndexedDB API (not through the app's code), a second tab sees
// the same data, a separate browser profile does not, and "delete everything" really deletes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';
// Browser globals for the code that runs inside the page (see the file for why not lib.dom).
import type { BrowserGlobals, IdbDatabase, IdbObjectStore, IdbRequest } from '../../src/storage/dom.d.ts';

let rig: Rig;
beforeAll(async () => { rig = await startRig(); });
afterAll(async () => { await rig?.close(); });

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid=dataset-item]').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=selected-dataset]').waitFor({ timeout: 60_000 });
}

interface RawDump {
  keys: string[];
  metas: { id: string; name: string; simulated: boolean; tickers: string[]; rows: number }[];
  panels: { id: string; dates: number; firstDate: string; series: { ticker: string; isF64: boolean; length: number; finite: boolean }[] }[];
  databases: string[];
}

/** Everything in the helix-datasets database, read with the raw IndexedDB API inside the page. */
function dumpDatasets(page: Page): Promise<RawDump> {
  return page.evaluate(async () => {
    const { indexedDB } = globalThis as unknown as BrowserGlobals;
    const db = await new Promise<IdbDatabase>((res, rej) => {
      if (!indexedDB) throw new Error('no IndexedDB in this page');
      const r = indexedDB.open('helix-datasets');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = <T>(fn: (s: IdbObjectStore) => IdbRequest<T>) => new Promise<T>((res, rej) => {
      const r = fn(db.transaction('keyval', 'readonly').objectStore('keyval'));
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const keys = (await all((s) => s.getAllKeys())) as unknown[];
    const values = (await all((s) => s.getAll())) as Record<string, unknown>[];
    db.close();
    const metas: RawDump['metas'] = [];
    const panels: RawDump['panels'] = [];
    keys.forEach((k, i) => {
      const [kind] = k as [string, string];
      const v = values[i] as Record<string, any>;
      if (kind === 'meta') metas.push({ id: v.id, name: v.name, simulated: v.simulated, tickers: v.summary.tickers, rows: v.summary.rows });
      else panels.push({
        id: v.id, dates: v.panel.dates.length, firstDate: v.panel.dates[0],
        series: v.panel.series.map((s: any) => ({ ticker: s.ticker, isF64: s.values instanceof Float64Array, length: s.values.length, finite: Array.from(s.values as Float64Array).every(Number.isFinite) })),
      });
    });
    const databases = (await indexedDB!.databases()).map((d: { name?: string }) => d.name ?? '').sort();
    return { keys: keys.map((k) => JSON.stringify(k)).sort(), metas, panels, databases };
  });
}

describe('real IndexedDB in Chromium', () => {
  it('stores the demo as an index entry plus a panel of Float64Arrays, shared across tabs, not across profiles', async () => {
    const { page, context, foreignRequests } = await rig.newPage();
    await page.goto(rig.baseUrl);
    await waitReady(page);

    const dump = await dumpDatasets(page);
    expect(dump.metas).toHaveLength(1);
    const meta = dump.metas[0];
    expect(meta.simulated).toBe(true);
    expect(meta.id).toMatch(/^[0-9a-f]{64}$/); // SHA-256 content hash as id
    expect(dump.keys).toEqual([JSON.stringify(['meta', meta.id]), JSON.stringify(['panel', meta.id])]);
    expect(dump.panels).toHaveLength(1);
    const panel = dump.panels[0];
    expect(panel.id).toBe(meta.id);
    expect(panel.dates).toBe(meta.rows);
    expect(panel.dates).toBeGreaterThanOrEqual(20 * 250);
    expect(panel.series.map((s) => s.ticker)).toEqual(meta.tickers);
    for (const s of panel.series) {
      expect(s.isF64).toBe(true);
      expect(s.length).toBe(panel.dates);
      expect(s.finite).toBe(true);
    }
    expect(dump.databases).toContain('helix-datasets');
    expect(dump.databases).toContain('helix-settings');

    // A second tab of the same profile opens the stored demo; it does not make another one.
    const second = await context.newPage();
    await second.goto(rig.baseUrl);
    await waitReady(second);
    const dump2 = await dumpDatasets(second);
    expect(dump2.keys).toEqual(dump.keys);
    await second.close();

    // The demo is deterministic: a fresh profile computes the very same content hash.
    const other = await rig.newPage();
    await other.page.goto(rig.baseUrl);
    await waitReady(other.page);
    const dump3 = await dumpDatasets(other.page);
    expect(dump3.metas.map((m) => m.id)).toEqual([meta.id]);
    await other.context.close();

    expect(foreignRequests).toEqual([]);
    await context.close();
  });

  it('"Delete everything stored" empties the databases and brings back only the demo', async () => {
    const { page, context } = await rig.newPage();
    await page.goto(rig.baseUrl);
    await waitReady(page);
    await page.setInputFiles('#file-input', [{
      name: 'ABC.csv', mimeType: 'text/csv',
      buffer: Buffer.from('Date,Close\n' + Array.from({ length: 60 }, (_, i) => {
        const d = new Date(Date.UTC(2022, 0, 3 + i));
        return `${d.toISOString().slice(0, 10)},${(100 + i * 0.5).toFixed(2)}`;
      }).join('\n') + '\n'),
    }]);
    await page.locator('[data-testid=panel-summary]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Save as a new data set' }).click();
    await page.locator('[data-testid=saved]').waitFor();
    expect((await dumpDatasets(page)).metas).toHaveLength(2);

    await page.getByText('Storage in this browser').click();
    await page.getByRole('button', { name: 'Delete everything stored…' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete everything' }).click();
    await page.locator('[data-testid=dataset-list]', { hasText: 'the demo data set was added again' }).waitFor({ timeout: 60_000 });
    const after = await dumpDatasets(page);
    expect(after.metas.map((m) => m.simulated)).toEqual([true]);
    expect(after.panels).toHaveLength(1);
    await page.screenshot({ path: `${ARTIFACTS}/storage-after-wipe.png` });
    await page.reload();
    await waitReady(page);
    expect(await page.locator('[data-testid=dataset-item]').count()).toBe(1);
    await context.close();
  });
});
