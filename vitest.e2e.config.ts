import { defineConfig } from 'vitest/config';

// Browser tests: real headless Debian Chromium driven by playwright-core against the built app
// (dist/, served by test/e2e/harness.ts). Run one file at a time: each starts its own browser.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
