import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// The package's own unit tests; the suite it exports runs in each app.
export default defineTestConfig({ include: ['src/**/*.test.ts'] });
