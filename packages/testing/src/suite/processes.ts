import { describe, expect, it } from 'vitest';
import { processTestTimeoutMs } from '../app-process.ts';
import type { Harness } from '../harness.ts';
import { describeFleet, post, startFleetProcesses } from './fleet.ts';

const password = 'a long enough password';
// Sign-ins in flight at SIGTERM: each waits its turn for the one hashing
// thread a two-core machine allows, so more would be a test of CI's load.
const inFlight = 8;

export function describeProcesses(harness: Harness) {
  const variable = harness.dialect.variable.name;

  describeFleet(`${harness.dialect.name}: two processes on one database`, async (env) => {
    const database = await harness.createDatabase();
    return startFleetProcesses(harness.options.main, [
      { [variable]: database.location, ...env },
      { [variable]: database.location, ...env },
    ]);
  });

  describe(`${harness.dialect.name}: shutdown`, { timeout: processTestTimeoutMs }, () => {
    it('finishes the requests in flight on SIGTERM, then closes its pool and exits 0', async () => {
      const database = await harness.createDatabase();
      // At debug level the app logs each request as it arrives.
      const {
        runs: [run],
        urls: [url],
      } = await startFleetProcesses(harness.options.main, [
        { [variable]: database.location, LOG_LEVEL: 'debug' },
      ]);
      if (!run || !url) throw new Error('the app did not start');
      // One user per sign-in: more than five at once for one username would
      // be throttled, each counted as a failure until its password proves right.
      const usernames = Array.from({ length: inFlight }, (_, i) => `inflight${i}`);
      for (const username of usernames) {
        expect((await post(url, '/api/signup', { username, password })).status).toBe(201);
      }
      const arrived = () => run.output().split('"path":"/api/signin"').length - 1;

      const answered: number[] = [];
      const requests = usernames.map((username) =>
        post(url, '/api/signin', { username, password }).then((response) => {
          answered.push(Date.now());
          return response.status;
        }),
      );
      // Every request has reached the app (none waits to be accepted) before the signal.
      while (arrived() < inFlight) await new Promise((resolve) => setTimeout(resolve, 5));
      const signalled = Date.now();
      run.child.kill('SIGTERM');
      const statuses = await Promise.all(requests);
      expect(statuses).toEqual(Array(inFlight).fill(200));
      // Some were still being answered when the signal came.
      expect(Math.max(...answered)).toBeGreaterThan(signalled);
      // No limit on the time it takes: the answers and the exit code prove
      // the behaviour, and a loaded machine hashes slower (5.4 s once).
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('stopped');
      // The server reaps a closed connection's backend a moment after the
      // client has gone: wait for it, to a deadline.
      await expect.poll(() => database.countConnections(), { timeout: 10_000 }).toBe(0);
    });
  });
}
