import { runE2eSuite } from '@repo/testing/e2e-suite';

runE2eSuite({
  dialect: 'mysql',
  main: new URL('../src/main.ts', import.meta.url),
});
