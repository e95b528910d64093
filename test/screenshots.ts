// `npm run screenshots`: the README's tour pictures (docs/images/*.png), taken in Debian's headless
// Chromium from the production build (run `npx vite build` first) on the simulated demo data set, so
// anyone can make them again after a change to the screens.
import { existsSync, mkdirSync } from 'node:fs';
import { startRig } from './e2e/harness.ts';
import { waitForStatus } from './e2e/run-helpers.ts';

if (!existsSync('dist/index.html')) {
  console.error('screenshots: dist/ is missing: run `npx vite build` first');
  process.exit(2);
}
const OUT = 'docs/images';
mkdirSync(OUT, { recursive: true });
const rig = await startRig();
const { page, context } = await rig.newPage();
await page.setViewportSize({ width: 1280, height: 860 });
const go = async (screen: string) => {
  await page.locator('nav').getByRole('button', { name: screen, exact: true }).click();
  await page.locator(`main[data-screen=${screen.toLowerCase()}]`).waitFor();
};
const shot = async (name: string, clipHeight?: number) => {
  await page.evaluate('document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)');
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: !clipHeight, ...(clipHeight ? { clip: { x: 0, y: 0, width: 1280, height: clipHeight } } : {}) });
  console.log(`screenshots: ${OUT}/${name}.png`);
};

await page.goto(rig.baseUrl);
await waitForStatus(page, ['done'], 5 * 60_000);
await go('Backtest');
await page.locator('[data-testid=metrics-table]').waitFor({ timeout: 60_000 });
await page.locator('[data-testid=chart-equity] canvas[data-ready=true]').waitFor({ timeout: 60_000 });
await shot('backtest', 1500);
await go('Today');
await page.locator('[data-testid=today]').waitFor();
await page.locator('[data-testid=holding-SPY]').fill('40');
for (const t of ['QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF']) await page.locator(`[data-testid=holding-${t}]`).fill('10');
await shot('today', 1100);
await go('Regimes');
await page.waitForTimeout(1500);
await shot('regimes', 1200);
await go('Data');
await page.waitForTimeout(1000);
await shot('data', 1000);
await go('Periods');
await page.locator('[data-testid=periods-table]').waitFor({ timeout: 60_000 });
await shot('periods', 1100);
await context.close();
await rig.close();
