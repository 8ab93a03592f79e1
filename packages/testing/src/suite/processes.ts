import { describe, expect, it } from 'vitest';
import { startAppProcess, waitForServing } from '../app-process.ts';
import type { Harness } from '../harness.ts';
import { describeFleet, fleetOrigin } from './fleet.ts';

const password = 'a long enough password';
// Sign-ins in flight at SIGTERM: each waits its turn for the one hashing
// thread a two-core machine allows, so more would be a test of CI's load.
const inFlight = 8;

function post(url: string, path: string, body?: unknown, cookie = '') {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { Origin: fleetOrigin, 'Content-Type': 'application/json', Cookie: cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function describeProcesses(harness: Harness) {
  const variable = harness.dialect.variable.name;

  async function startOn(location: string, env: Record<string, string> = {}) {
    const run = startAppProcess(harness.options.main, {
      [variable]: location,
      ORIGIN: fleetOrigin,
      ...env,
    });
    return { run, url: (await waitForServing(run)).url };
  }

  describeFleet(`${harness.dialect.name}: two processes on one database`, async (env) => {
    const database = await harness.createDatabase();
    const runs = [0, 1].map(() =>
      startAppProcess(harness.options.main, {
        [variable]: database.location,
        ORIGIN: fleetOrigin,
        ...env,
      }),
    );
    const served = await Promise.all(runs.map((run) => waitForServing(run)));
    return { runs, urls: served.map(({ url }) => url) };
  });

  describe(`${harness.dialect.name}: shutdown`, () => {
    it('finishes the requests in flight on SIGTERM, then closes its pool and exits 0 within 5 s', async () => {
      const database = await harness.createDatabase();
      // At debug level the app logs each request as it arrives.
      const { run, url } = await startOn(database.location, { LOG_LEVEL: 'debug' });
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
      expect(await run.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(5000);
      expect(run.output()).toContain('stopped');
      // The server reaps a closed connection's backend a moment after the
      // client has gone: wait for it, to a deadline.
      await expect.poll(() => database.countConnections(), { timeout: 10_000 }).toBe(0);
    });
  });
}
