import { migrations } from '@repo/schema/sqlite/migrations';
import { runConformanceSuite } from '@repo/testing/conformance-suite';
import { dialect } from '@repo/testing/dialects/sqlite';
import { openDatabase } from '../src/database.ts';

runConformanceSuite({
  dialect,
  migrations,
  openDatabase: ({ location }) => openDatabase({ path: location }),
  main: new URL('../src/main.ts', import.meta.url),
});
