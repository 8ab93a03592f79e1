import { migrations } from '@repo/schema/sqlite/migrations';
import { runConformanceSuite } from '@repo/testing/conformance-suite';
import { openDatabase } from '../src/database.ts';

runConformanceSuite({
  dialect: 'sqlite',
  migrations,
  openDatabase: ({ location, secure }) => openDatabase({ path: location, secure }),
  main: new URL('../src/main.ts', import.meta.url),
});
