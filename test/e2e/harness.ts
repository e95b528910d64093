// Shared rig for browser tests: serves the built app (dist/) with Vite's preview server on a free
// loopback port and drives Debian's Chromium with playwright-core. No browser is ever downloaded.
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';

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
