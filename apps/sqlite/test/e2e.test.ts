import { dialect } from '@repo/testing/dialects/sqlite';
import { runE2eSuite } from '@repo/testing/e2e-suite';

runE2eSuite({
  dialect,
  main: new URL('../src/main.ts', import.meta.url),
  // This run keeps the README's screenshots (docs/screenshots).
  screenshots: new URL('../../../docs/screenshots/', import.meta.url),
});
