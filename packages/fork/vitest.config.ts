import { defineTestConfig } from '@repo/vitest-config/define-test-config';

// `pnpm test`: the unit tests beside the code. The fork test has a config of
// its own (vitest.fork.config.ts).
export default defineTestConfig({ include: ['src/**/*.test.ts'] });
