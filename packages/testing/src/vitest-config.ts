import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { Dialect } from './dialect.ts';

/**
 * The vitest configuration of an app's tests: one project named after the
 * dialect, its database server started once per run. Under CI the counts are
 * also written to `test-results.json`.
 *
 * @example
 * export default defineAppTestConfig('postgres');
 */
export function defineAppTestConfig(dialect: Dialect) {
  return defineConfig({
    test: {
      name: dialect,
      include: ['test/**/*.test.ts'],
      globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
      testTimeout: 30_000,
      hookTimeout: 180_000,
      reporters: process.env.CI
        ? ['default', ['json', { outputFile: 'test-results.json' }]]
        : ['default'],
    },
  });
}
