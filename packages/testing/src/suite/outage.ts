import { describe, expect, it } from 'vitest';
import {
  processTestTimeoutMs,
  startAppProcess,
  stopProcess,
  waitForServing,
} from '../app-process.ts';
import { countStatuses } from '../count-statuses.ts';
import type { Harness } from '../harness.ts';
import { cookieHeaderOf, jsonOf } from '../test-client.ts';

const origin = 'http://localhost:3000';
const password = 'a long enough password';

/** An app process on a new database that the test can take away and give back. */
async function startBehindOutage(harness: Harness) {
  const database = await harness.createDatabase();
  const outage = await harness.dialect.prepareOutage(database);
  const run = startAppProcess(harness.options.main, {
    [harness.dialect.variable.name]: outage.location,
    ORIGIN: origin,
  });
  return { outage, run };
}

/**
 * Signs `username` up at the app at `url`: the Cookie header of its session,
 * whose token goes into `received` for the log check.
 */
async function signUp(url: string, username: string, received: Set<string>): Promise<string> {
  const signup = await fetch(`${url}/api/signup`, {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(signup.status).toBe(201);
  return cookieHeaderOf(signup, received);
}

export function describeOutage(harness: Harness) {
  describe(`${harness.dialect.name}: database outage`, { timeout: processTestTimeoutMs }, () => {
    it('answers 503 within 2 s while the database is gone, survives, and serves again within 5 s of its return', async () => {
      const { outage, run } = await startBehindOutage(harness);
      try {
        const { url } = await waitForServing(run);
        const cookie = await signUp(url, 'outage_user', harness.received);

        await outage.begin();
        // Reads go on where the dialect allows it (SQLite's WAL); writes never do.
        const readStatus = outage.readsContinue ? 200 : 503;
        const requests: [string, RequestInit, number][] = [
          ['/healthz', {}, readStatus],
          ['/api/me', { headers: { Cookie: cookie } }, readStatus],
          [
            '/api/signin',
            {
              method: 'POST',
              headers: { Origin: origin, 'Content-Type': 'application/json' },
              body: JSON.stringify({ username: 'outage_user', password }),
            },
            503,
          ],
        ];
        for (const [path, init, expected] of requests) {
          const started = Date.now();
          const response = await fetch(`${url}${path}`, {
            ...init,
            signal: AbortSignal.timeout(2000),
          });
          expect(response.status, path).toBe(expected);
          const body = await jsonOf(response);
          if (expected === 503 && path === '/healthz')
            expect(body).toEqual({ status: 'unavailable' });
          else if (expected === 503) expect(body.error.code).toBe('service_unavailable');
          expect(Date.now() - started, path).toBeLessThan(2000);
        }
        expect(run.child.exitCode).toBeNull();

        await outage.end();
        const back = Date.now();
        let status = 0;
        while (Date.now() - back < 5000) {
          status = (await fetch(`${url}/api/me`, { headers: { Cookie: cookie } })).status;
          if (status === 200) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(status).toBe(200);
        expect(await stopProcess(run)).toBe(0);
      } finally {
        await outage.end();
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });

    // As when the server restarts (a crash of one of its processes ends
    // every connection): the connections that requests hold at that moment
    // end too, and the driver reports it on each of them.
    it('survives an outage that begins while requests hold connections, and serves again after it', async () => {
      const { outage, run } = await startBehindOutage(harness);
      try {
        const { url } = await waitForServing(run);
        const cookie = await signUp(url, 'held_user', harness.received);
        const sessions = () =>
          fetch(`${url}/api/sessions`, { headers: { Cookie: cookie } }).then(
            (response) => response.status,
            () => 0, // no answer: the process is gone
          );

        // Eight requests at every moment, before, during and after the outage.
        const statuses: number[] = [];
        let running = true;
        const workers = Array.from({ length: 8 }, async () => {
          while (running) statuses.push(await sessions());
        });
        const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        await pause(500);
        await outage.begin();
        await pause(500);
        await outage.end();
        const back = Date.now();
        while (Date.now() - back < 5000 && (await sessions()) !== 200) await pause(100);
        running = false;
        await Promise.all(workers);

        expect(run.child.exitCode, `the app ended: ${run.stderr().slice(-600)}`).toBeNull();
        expect(await sessions()).toBe(200);
        // 200, or 503 while the database was gone: never no answer, never a 500.
        expect(countStatuses(statuses, [200, 503])).toEqual({
          200: expect.any(Number),
          503: expect.any(Number),
        });
        expect(await stopProcess(run)).toBe(0);
      } finally {
        await outage.end();
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });
  });
}
