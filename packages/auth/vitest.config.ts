import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// Unit tests of the pure functions, beside them; behaviour that touches a
// database is proven by the conformance suite, in each app.
export default defineTestConfig({ include: ['src/**/*.test.ts'] });
