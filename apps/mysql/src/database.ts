// One mysql2 pool, shared by Kysely (queries) and Lucia (sessions).
import { Mysql2Adapter } from '@lucia-auth/adapter-mysql';
import type { AppDatabase } from '@repo/auth/app-database';
import type { Database } from '@repo/schema/database';
import { Kysely, MysqlDialect } from 'kysely';
import mysql from 'mysql2/promise';

export interface OpenDatabaseOptions {
  url: string;
  /** Connections in the pool (`DATABASE_POOL_SIZE`); mysql2's default is 10. */
  poolSize?: number;
}

export function openDatabase({ url, poolSize }: OpenDatabaseOptions): AppDatabase {
  // DATETIME columns hold UTC: `timezone: 'Z'` makes mysql2 write and read
  // them as UTC, whatever the server's or this process's time zone.
  const pool = mysql.createPool({
    uri: url,
    timezone: 'Z',
    connectionLimit: poolSize,
    // A database that does not answer makes requests fail fast (503), not hang.
    connectTimeout: 1500,
  });

  // The same pool twice. Kysely speaks mysql2's callback API, so it takes
  // the callback pool underneath: `pool.pool`. Passing the promise pool
  // itself is the classic mistake (queries would never resolve).
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: pool.pool }) });
  // Lucia's adapter takes the promise pool, with our table names.
  const adapter = new Mysql2Adapter(pool, { user: 'user', session: 'session' });

  // Kysely's destroy() ends the pool, for both.
  return { db, adapter, close: () => db.destroy() };
}
