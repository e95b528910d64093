import { defineConfig } from 'vitest/config';

// Unit tests in node: everything under test/unit. Browser tests have their own config.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
