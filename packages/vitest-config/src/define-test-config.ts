import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * A package's vitest configuration: `test` as given, and under CI a JSON
 * report (`test-results.json`) beside the default one, whose counts
 * `.ci/run` adds up.
 *
 * @example
 * export default defineTestConfig({ include: ['src/**\/*.test.ts'] });
 */
export function defineTestConfig(test: NonNullable<ViteUserConfig['test']>) {
  return defineConfig({
    test: {
      ...test,
      reporters: process.env.CI
        ? ['default', ['json', { outputFile: 'test-results.json' }]]
        : ['default'],
    },
  });
}
