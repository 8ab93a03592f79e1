import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// Unit tests of a dialect's adaptations, beside them, without a server. A
// fork keeps one dialect's folder, which may have none: that is no failure.
export default defineTestConfig({ include: ['src/**/*.test.ts'], passWithNoTests: true });
