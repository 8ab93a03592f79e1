import { fileURLToPath } from 'node:url';
import { defineTestConfig } from '@repo/vitest-config/define-test-config';

/**
 * The vitest configuration of an app's tests: one project named after the
 * dialect (its record in `dialects/`), its database server started once per
 * run.
 *
 * @example
 * export default defineAppTestConfig('postgres');
 */
export function defineAppTestConfig(dialect: string) {
  return defineTestConfig({
    name: dialect,
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 180_000,
  });
}
