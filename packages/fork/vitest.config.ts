import { defineConfig } from 'vitest/config';

// Real forks, real installs, real processes: minutes, not milliseconds.
// Run once per CI (`pnpm --filter @repo/fork test:fork`), not by `pnpm test`.
export default defineConfig({
  test: {
    name: 'fork',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results.json' }]]
      : ['default'],
  },
});
