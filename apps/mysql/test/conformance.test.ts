import { migrations } from '@repo/schema/mysql/migrations';
import { runConformanceSuite } from '@repo/testing/conformance-suite';
import { openDatabase } from '../src/database.ts';

runConformanceSuite({
  dialect: 'mysql',
  migrations,
  openDatabase: ({ location, secure, poolSize }) =>
    openDatabase({ url: location, secure, poolSize }),
  main: new URL('../src/main.ts', import.meta.url),
});
