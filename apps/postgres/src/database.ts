// One pg pool, shared by Kysely (queries) and Lucia (sessions).
import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import type { AppDatabase } from '@repo/auth/app-database';
import type { Logger } from '@repo/auth/create-logger';
import type { Database } from '@repo/schema/database';
import { PooledPostgresDialect } from '@repo/schema/postgres/dialect';
import { Kysely } from 'kysely';
import pg from 'pg';

export interface OpenDatabaseOptions {
  url: string;
  /** Connections in the pool (`DATABASE_POOL_SIZE`); pg's default is 10. */
  poolSize?: number;
  logger: Logger;
}

/**
 * pg's client, with a limit on opening a connection: pg waits for ever by
 * default, and a database that does not answer should make requests fail fast
 * (503), not hang. The limit is the client's, not the pool's: the pool's
 * `connectionTimeoutMillis` would also limit the wait for a free connection,
 * and answer 503 to a busy app whose database is fine.
 */
class ConnectingClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: 1500 });
  }
}

/**
 * BIGINT (the schema's `*_ms` times and ids, and `COUNT(*)`) read as a
 * number, as the `Database` type says: pg reads it as a string, for values
 * past 2^53, which these never reach. Given to this pool's clients, not set
 * on `pg.types`, which would change every pg client of the process.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (id, format) =>
    id === pg.types.builtins.INT8 && format !== 'binary'
      ? Number
      : pg.types.getTypeParser(id, format),
};

export function openDatabase({ url, poolSize, logger }: OpenDatabaseOptions): AppDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    Client: ConnectingClient,
    types,
  });
  // An idle connection that breaks (the server restarts) is reported here,
  // and the pool opens another when it needs one; without a listener the
  // error would end the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle database connection failed'));
  // A connection that breaks while a request holds it is reported on the
  // client too, where the pool listens only while it is idle: without a
  // listener of our own, the server restarting under load would end the
  // process. The request's query fails with the same error (503), and the
  // pool drops the client when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));

  // The same pool twice: Kysely takes it as it is (in Kysely's PostgresDialect
  // with a migration lock that also holds through PgBouncer)...
  const db = new Kysely<Database>({ dialect: new PooledPostgresDialect({ pool }) });
  // ...and so does Lucia's adapter, with our table names.
  const adapter = new NodePostgresAdapter(pool, { user: 'user', session: 'session' });

  // Kysely's destroy() ends the pool, for both.
  return { db, adapter, close: () => db.destroy() };
}
