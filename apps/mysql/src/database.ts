// One mysql2 pool, shared by Kysely (queries) and Lucia (sessions).
import { Mysql2Adapter } from '@lucia-auth/adapter-mysql';
import type { AppDatabase } from '@repo/auth/app-database';
import type { Logger } from '@repo/auth/create-logger';
import type { Database } from '@repo/schema/database';
import { ClusterMysqlDialect } from '@repo/schema/mysql/dialect';
import { Kysely } from 'kysely';
import mysql from 'mysql2/promise';

export interface OpenDatabaseOptions {
  url: string;
  /** Connections in the pool (`DATABASE_POOL_SIZE`); mysql2's default is 10. */
  poolSize?: number;
  logger: Logger;
}

export function openDatabase({ url, poolSize, logger }: OpenDatabaseOptions): AppDatabase {
  // DATETIME columns hold UTC: `timezone: 'Z'` makes mysql2 write and read
  // them as UTC, whatever the server's or this process's time zone. BIGINT
  // (the `*_ms` times, COUNT(*)) comes back as a number, as the Database type
  // says: mysql2's default (`supportBigNumbers` off).
  const pool = mysql.createPool({
    uri: url,
    timezone: 'Z',
    connectionLimit: poolSize,
    // A database that does not answer makes requests fail fast (503), not hang.
    connectTimeout: 1500,
  });
  // On a MariaDB Galera cluster, a node applies another node's writes a
  // moment after they commit: wsrep_sync_wait=1 makes each read wait for
  // them, so that a session made through one node is valid through every
  // other at once. Set on each new connection, before its first query.
  // MySQL has no such variable (1193) and needs none.
  pool.pool.on('connection', (connection) => {
    connection.query('SET SESSION wsrep_sync_wait = 1', (error) => {
      if (error && error.errno !== 1193) {
        logger.warn({ err: error }, 'could not set wsrep_sync_wait');
      }
    });
  });

  // The same pool twice. Kysely speaks mysql2's callback API, so it takes
  // the callback pool underneath: `pool.pool`. Passing the promise pool
  // itself is the classic mistake (queries would never resolve). The
  // dialect is Kysely's MysqlDialect with a migration lock that every node
  // of a Galera cluster sees.
  const db = new Kysely<Database>({ dialect: new ClusterMysqlDialect({ pool: pool.pool }) });
  // Lucia's adapter takes the promise pool, with our table names.
  const adapter = new Mysql2Adapter(pool, { user: 'user', session: 'session' });

  // Kysely's destroy() ends the pool, for both.
  return { db, adapter, close: () => db.destroy() };
}
