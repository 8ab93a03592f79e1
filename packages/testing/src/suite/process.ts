import { describe, expect, it } from 'vitest';
import { processTestTimeoutMs, startAppProcess, waitForServing } from '../app-process.ts';
import type { Harness } from '../harness.ts';

export function describeProcess(harness: Harness) {
  const { variable } = harness.dialect;
  const main = harness.options.main;

  describe(`${harness.dialect.name}: the app as a process`, {
    timeout: processTestTimeoutMs,
  }, () => {
    it('migrates at start, serves, and on SIGTERM closes its pool and exits 0', async () => {
      const database = await harness.createDatabase();
      const run = startAppProcess(main, { [variable.name]: database.location });
      const { url, origin } = await waitForServing(run);
      expect(run.output()).toContain('applied 0001-auth-tables');
      // PORT=0 and no ORIGIN: the default origin names the port the system chose.
      expect(origin).toBe(url.replace('127.0.0.1', 'localhost'));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('stopped');
      // The server reaps a closed connection's backend a moment after the
      // client has gone: wait for it, to a deadline.
      await expect.poll(() => database.countConnections(), { timeout: 10_000 }).toBe(0);
    });

    it.each([
      ['PORT', 'not-a-port'],
      ['ORIGIN', 'ftp://example.com'],
      ['ORIGIN', 'http://exa mple.com'],
      ['LOG_LEVEL', 'loud'],
      ...variable.malformed.map((value) => [variable.name, value]),
    ])(
      'stops at start on a malformed %s (%s) with one line naming it, no password and no stack',
      async (name, value) => {
        const run = startAppProcess(main, { [name]: value });
        expect(await run.exited).toBe(1);
        const lines = run.output().trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(name);
        expect(run.output()).not.toContain('s3cret-pw');
      },
    );

    it('stops at start on an unreachable database, named without its password', async () => {
      const run = startAppProcess(main, { [variable.name]: variable.unreachable });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(variable.unreachableNamed);
      expect(run.output()).not.toContain('s3cret-pw');
    });
  });
}
