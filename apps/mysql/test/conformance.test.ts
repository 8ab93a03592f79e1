import { migrations } from '@repo/schema/mysql/migrations';
import { runConformanceSuite } from '@repo/testing/conformance-suite';
import { dialect } from '@repo/testing/dialects/mysql';
import { openDatabase } from '../src/database.ts';

runConformanceSuite({
  dialect,
  migrations,
  openDatabase: ({ location, poolSize, logger }) =>
    openDatabase({ url: location, poolSize, logger }),
  main: new URL('../src/main.ts', import.meta.url),
});
