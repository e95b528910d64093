// Shared rig for browser tests: serves the built app (dist/) with Vite's preview server on a free
// loopback port and drives Debian's Chromium with playwright-core. No browser is ever downloaded.
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
// Browser globals for the code that runs inside the page (see the file for why not lib.dom).
import type { BrowserGlobals } from '../../src/storage/dom.d.ts';

export const CHROMIUM_PATH = process.env.HELIX_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];
export const ARTIFACTS = 'test-artifacts';

export interface Rig {
  baseUrl: string;
  browser: Browser;
  /** A fresh context (its own IndexedDB) with a page that records every request to another origin. */
  newPage(): Promise<{ context: BrowserContext; page: Page; foreignRequests: string[]; consoleErrors: string[] }>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npx vite build` first (npm test does)');
  mkdirSync(ARTIFACTS, { recursive: true });
  const server: PreviewServer = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'silent' });
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('preview server has no address');
  const baseUrl = `http://127.0.0.1:${addr.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const origin = new URL(baseUrl).origin;
  return {
    baseUrl,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      const foreignRequests: string[] = [];
      const consoleErrors: string[] = [];
      page.on('request', (req) => {
        const u = req.url();
        if (u.startsWith('data:') || u.startsWith('blob:')) return;
        if (new URL(u).origin !== origin) foreignRequests.push(u);
      });
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      return { context, page, foreignRequests, consoleErrors };
    },
    async close() {
      await browser.close();
      await new Promise<void>((res) => server.httpServer.close(() => res()));
    },
  };
}

/** The rig and one page of a test file: started before its first test, closed after its last. */
export interface FileRig { rig: Rig; context: BrowserContext; page: Page; foreignRequests: string[]; consoleErrors: string[] }

/** Call at the top of a test file: the returned object is filled in beforeAll. */
export function useRigPage(): FileRig {
  const s = {} as FileRig;
  beforeAll(async () => {
    s.rig = await startRig();
    Object.assign(s, await s.rig.newPage());
  });
  afterAll(async () => {
    await s.context?.close();
    await s.rig?.close();
  });
  return s;
}

/** Painted pixels of the canvas inside [data-testid=testid], once it is drawn (0 when nothing was). */
export async function paintedPixels(page: Page, testid: string): Promise<number> {
  await page.locator(`[data-testid=${testid}] canvas[data-ready=true]`).waitFor({ timeout: 60_000 });
  return page.evaluate((id) => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const c = document.querySelector(`[data-testid=${id}] canvas`) as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }, testid);
}
