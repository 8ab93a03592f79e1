import type { Dialect } from '../../dialect.ts';
import { prepareServerOutage } from '../../server-outage.ts';
import { databaseUrl, uniqueDatabaseName } from '../../test-database.ts';

/** The user and database of a Testcontainers server (its defaults, named for the health check). */
const owner = 'test';

/** PostgreSQL, through `pg`. */
export const dialect: Dialect = {
  name: 'postgres',
  title: 'PostgreSQL',
  variable: {
    name: 'DATABASE_URL',
    unreachable: 'postgres://app:s3cret-pw@127.0.0.1:9/app',
    unreachableNamed: '127.0.0.1:9/app',
    malformed: ['postgres://app:s3cret-pw@db.example.com:99999/app', 'not a url'],
  },
  server: {
    variable: 'TEST_POSTGRES_URL',
    example: 'postgres://postgres@127.0.0.1:5432/postgres',
    imageVariable: 'TEST_POSTGRES_IMAGE',
    image: 'postgres:17-alpine',
    async start(image, log) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer(image)
        .withUsername(owner)
        .withDatabase(owner)
        // Testcontainers' own health check (every 250 ms, for the
        // container's life) runs pg_isready through `sh -c`. On a loaded
        // machine a probe outlasts its 1 s timeout and Docker kills the
        // probe's process: where the shell forks pg_isready rather than
        // exec it (Debian's dash does), pg_isready is left behind and
        // adopted by the container's PID 1, PostgreSQL's postmaster, which
        // takes any child that ends abnormally for a crashed server process
        // and restarts, ending every connection (pg_isready ends by SIGPIPE
        // once Docker has closed its output: "terminated by signal 13").
        // In exec form there is no shell: the process Docker kills is
        // pg_isready itself, and nothing is left behind.
        .withHealthCheck({
          test: [
            'CMD',
            'pg_isready',
            '--host',
            'localhost',
            '--username',
            owner,
            '--dbname',
            owner,
          ],
          interval: 250,
          timeout: 1000,
          retries: 1000,
        })
        // A server that lives for one test run: PostgreSQL's non-durable
        // settings spare the disk (no fsync, no full-page writes); a crash
        // of the container loses nothing anyone keeps.
        .withCommand([
          'postgres',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ])
        .withLogConsumer(log)
        .start();
      return { url: container.getConnectionUri(), stop: () => container.stop().then(() => {}) };
    },
  },
  async createDatabase(serverUrl) {
    if (!serverUrl) throw new Error('no postgres server was provided to the tests');
    const { default: pg } = await import('pg');
    const name = uniqueDatabaseName();
    // A pool of one, not a client: when the server ends its connections (it
    // restarts after one of its processes crashed), a client with no
    // listener throws an uncaught 'error' into whatever test runs then, one
    // per database still open; the pool drops the broken connection and
    // opens another for its next query, so `drop` still works.
    const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
    admin.on('error', () => {});
    await admin.query(`create database "${name}"`);
    return {
      location: databaseUrl(serverUrl, name),
      async countConnections() {
        const { rows } = await admin.query<{ n: number }>(
          // Clients only: an autovacuum worker visiting the new database is listed too.
          "select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'",
          [name],
        );
        return rows[0]?.n ?? 0;
      },
      async serverVersion() {
        const { rows } = await admin.query<{ server_version: string }>('show server_version');
        return `PostgreSQL ${rows[0]?.server_version}`;
      },
      async drop() {
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  },
  prepareOutage: prepareServerOutage,
  packages: ['pg', '@types/pg', '@lucia-auth/adapter-postgresql', '@testcontainers/postgresql'],
  terms: ['PgBouncer'],
};
