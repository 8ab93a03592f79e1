import { dialect } from '@repo/testing/dialects/mysql';
import { runE2eSuite } from '@repo/testing/e2e-suite';

runE2eSuite({
  dialect,
  main: new URL('../src/main.ts', import.meta.url),
});
