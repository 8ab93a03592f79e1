import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// Real forks, real installs, real processes: minutes, not milliseconds.
// Run once per CI (`pnpm --filter @repo/fork test:fork`), not by `pnpm test`.
export default defineTestConfig({
  name: 'fork',
  include: ['test/**/*.test.ts'],
  testTimeout: 300_000,
  hookTimeout: 300_000,
});
