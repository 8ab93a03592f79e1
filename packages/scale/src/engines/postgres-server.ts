import { join } from 'node:path';
import { type ChildRun, runCommand } from '@repo/testing/app-process';
import pg from 'pg';
import { findPostgresBin } from './engine-binaries.ts';
import { startEngine, stopEngine } from './engine-process.ts';
import { asEngineUser, giveToEngineUser } from './engine-user.ts';
import { EngineStartError, waitForEngine } from './wait-for-engine.ts';

/** The OS user PostgreSQL runs as when we are root, and the database superuser. */
export const POSTGRES_USER = 'postgres';

/** A PostgreSQL server started by `startPostgresServer`. */
export interface PostgresServer {
  port: number;
  run: ChildRun;
  /** Fast shutdown (clients are disconnected), SIGKILL after a few seconds. */
  stop(): Promise<void>;
}

/**
 * Makes a fresh cluster in `dir` (trust authentication, user `postgres`)
 * and starts it on 127.0.0.1:`port`, its unix socket in `dir`; resolves when
 * it answers a query.
 *
 * @example
 * const server = await startPostgresServer(makeEngineDir('pg'), port);
 */
export async function startPostgresServer(dir: string, port: number): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  const data = join(dir, 'data');
  giveToEngineUser(POSTGRES_USER, dir);
  const initdb = await runCommand(
    ...asEngineUser(
      POSTGRES_USER,
      `${bin}/initdb`,
      [
        ['-D', data, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
        // A throwaway cluster: nothing has to survive a crash of the machine.
        ['--no-sync', '--no-instructions'],
      ].flat(),
    ),
    { cwd: dir },
  );
  if (initdb.code !== 0) {
    throw new EngineStartError(
      'initdb failed',
      `exit ${initdb.code}`,
      initdb.stdout + initdb.stderr,
    );
  }
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: '100',
    // Durability is not what these tests measure; skipping the flushes keeps
    // a two-core CI machine's disk out of the timings.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
  };
  const args = ['-D', data, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const run = startEngine(...asEngineUser(POSTGRES_USER, `${bin}/postgres`, args), { cwd: dir });
  const stop = () => stopEngine(run, { signal: 'SIGINT', graceMs: 5_000 });
  try {
    await waitForEngine(
      `postgres on port ${port} did not accept connections`,
      () => selectOne(`postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`),
      { run, log: run.output, timeoutMs: 30_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, run, stop };
}

/** `true` once a connection to `url` answers `SELECT 1`; throws until then. */
export async function selectOne(url: string): Promise<true> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}
