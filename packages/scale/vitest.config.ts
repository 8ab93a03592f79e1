import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// Each test file starts its engines once, in its beforeAll; the files run one
// after the other, so that a two-core machine holds one set at a time.
export default defineTestConfig({
  include: ['test/**/*.test.ts'],
  globalSetup: ['test/build-apps.ts'],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
