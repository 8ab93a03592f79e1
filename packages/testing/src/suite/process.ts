import { describe, expect, it } from 'vitest';
import type { Dialect } from '../dialect.ts';
import type { Harness } from '../harness.ts';
import { startAppProcess, waitForServing } from '../start-app-process.ts';

/** Each app's database variable, and a value that names a database no one serves. */
export const databaseVariables: Record<
  Dialect,
  { name: string; unreachable: string; named: string; malformed: string[] }
> = {
  postgres: {
    name: 'DATABASE_URL',
    unreachable: 'postgres://app:s3cret-pw@127.0.0.1:9/app',
    named: '127.0.0.1:9/app',
    malformed: ['postgres://app:s3cret-pw@db.example.com:99999/app', 'not a url'],
  },
  mysql: {
    name: 'DATABASE_URL',
    unreachable: 'mysql://app:s3cret-pw@127.0.0.1:9/app',
    named: '127.0.0.1:9/app',
    malformed: ['mysql://app:s3cret-pw@db.example.com:99999/app', 'not a url'],
  },
  sqlite: {
    name: 'DATABASE_PATH',
    unreachable: '/nonexistent-folder/app.db',
    named: '/nonexistent-folder/',
    // Any path is a well-formed DATABASE_PATH: there is no malformed one.
    malformed: [],
  },
};

export function describeProcess(harness: Harness) {
  const variable = databaseVariables[harness.dialect];
  const main = harness.options.main;

  describe(`${harness.dialect}: the app as a process`, () => {
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
      expect(await database.countConnections()).toBe(0);
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
      expect(run.output()).toContain(variable.named);
      expect(run.output()).not.toContain('s3cret-pw');
    });
  });
}
