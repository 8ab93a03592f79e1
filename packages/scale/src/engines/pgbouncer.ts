import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ENGINE_BINARIES } from './engine-binaries.ts';
import { makeEngineDir, removeEngineDir, startEngine, stopEngine } from './engine-process.ts';
import { asEngineUser, giveToEngineUser } from './engine-user.ts';
import { findFreePorts } from './free-port.ts';
import { POSTGRES_USER, selectOne, startPostgresServer } from './postgres-server.ts';
import { trackEngineSet } from './stop-all-engines.ts';
import { waitForEngine } from './wait-for-engine.ts';

/** PostgreSQL with PgBouncer in front, started by `startPostgresBehindPgBouncer`. */
export interface PgBouncerSet {
  /** `postgres://postgres@127.0.0.1:<postgres>/<database>`, past PgBouncer. */
  directUrl(database: string): string;
  /** `postgres://postgres@127.0.0.1:<pgbouncer>/<database>`, through PgBouncer. */
  pooledUrl(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Stops PgBouncer, then PostgreSQL, and removes their folder; safe to call twice. */
  stop(): Promise<void>;
  /** How long the start took. */
  startMs: number;
}

/**
 * PgBouncer's settings. `pool_mode = transaction`: a server connection
 * serves one transaction at a time, so session state (named prepared
 * statements, which PgBouncer 1.18 does not track, `SET`, advisory locks)
 * does not survive between transactions. `ignore_startup_parameters`: pg
 * 8.23 sends only `user` and `database` at startup (plus `application_name`,
 * which PgBouncer handles, and `statement_timeout`, `lock_timeout`,
 * `idle_in_transaction_session_timeout` or `options` only when configured,
 * which PgBouncer would refuse); `extra_float_digits` is the one other
 * drivers (JDBC, older psql) send, listed so such a client can connect too.
 */
function pgbouncerIni({
  dir,
  port,
  postgresPort,
}: {
  dir: string;
  port: number;
  postgresPort: number;
}) {
  return `[databases]
* = host=127.0.0.1 port=${postgresPort}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
admin_users = ${POSTGRES_USER}
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
`;
}

/**
 * Starts a fresh PostgreSQL cluster (trust on 127.0.0.1, `max_connections`
 * 100) and PgBouncer in transaction mode in front of it, each on a free
 * loopback port, in a temp folder removed by `stop()`. Both run as the
 * `postgres` user when this process is root.
 *
 * @example
 * const set = await startPostgresBehindPgBouncer();
 * await set.createDatabase('app_1');
 * const pool = new pg.Pool({ connectionString: set.pooledUrl('app_1') });
 */
export async function startPostgresBehindPgBouncer(): Promise<PgBouncerSet> {
  const started = Date.now();
  const dir = makeEngineDir('pgbouncer');
  const [postgresPort = 0, port = 0] = await findFreePorts(2);
  const postgres = await startPostgresServer(dir, postgresPort).catch((error: unknown) => {
    removeEngineDir(dir);
    throw error;
  });
  const directUrl = (database: string) =>
    `postgres://${POSTGRES_USER}@127.0.0.1:${postgresPort}/${database}`;
  const pooledUrl = (database: string) =>
    `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${database}`;

  // Trust still wants the user listed in the auth file.
  writeFileSync(join(dir, 'userlist.txt'), `"${POSTGRES_USER}" ""\n`);
  writeFileSync(join(dir, 'pgbouncer.ini'), pgbouncerIni({ dir, port, postgresPort }));
  giveToEngineUser(POSTGRES_USER, join(dir, 'userlist.txt'), join(dir, 'pgbouncer.ini'));
  const bouncer = startEngine(
    ...asEngineUser(POSTGRES_USER, ENGINE_BINARIES.pgbouncer.path, [join(dir, 'pgbouncer.ini')]),
    { cwd: dir },
  );
  const stop = trackEngineSet(async () => {
    // SIGTERM is PgBouncer's immediate shutdown.
    await stopEngine(bouncer, { graceMs: 5_000 });
    await postgres.stop();
    removeEngineDir(dir);
  });
  try {
    await waitForEngine(
      `pgbouncer on port ${port} did not pass a query to postgres`,
      () => selectOne(pooledUrl('postgres')),
      { run: bouncer, log: bouncer.output, timeoutMs: 15_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    directUrl,
    pooledUrl,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: directUrl('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    stop,
    startMs: Date.now() - started,
  };
}
