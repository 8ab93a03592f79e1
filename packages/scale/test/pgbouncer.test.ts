import { describeFleet } from '@repo/testing/fleet';
import { afterAll, beforeAll } from 'vitest';
import { assertEnginesInstalled } from '../src/engines/missing-engines.ts';
import { type PgBouncerSet, startPostgresBehindPgBouncer } from '../src/engines/pgbouncer.ts';
import { appMain, startAppFleet } from './app-fleet.ts';

// PostgreSQL 15 behind PgBouncer in transaction mode, as hosted poolers run:
// three app processes, each with its own pool to PgBouncer, which shares
// PostgreSQL's connections between them.
let engines: PgBouncerSet;
beforeAll(async () => {
  assertEnginesInstalled();
  engines = await startPostgresBehindPgBouncer();
});
afterAll(() => engines?.stop());

let databases = 0;
describeFleet(
  'postgres: three processes through PgBouncer (pool_mode = transaction)',
  async (env) => {
    databases += 1;
    const name = `fleet_${databases}`;
    await engines.createDatabase(name);
    const url = engines.pooledUrl(name);
    return startAppFleet(appMain.postgres, [url, url, url], env);
  },
);
