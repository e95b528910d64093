import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startRig, type Rig, ARTIFACTS } from './harness.ts';

let rig: Rig;
beforeAll(async () => { rig = await startRig(); });
afterAll(async () => { await rig?.close(); });

describe('app shell', () => {
  it('loads the built app with no request to another origin', async () => {
    const { page, foreignRequests, context } = await rig.newPage();
    await page.goto(rig.baseUrl);
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Helix');
    await page.screenshot({ path: `${ARTIFACTS}/smoke.png` });
    expect(foreignRequests).toEqual([]);
    await context.close();
  });
});
