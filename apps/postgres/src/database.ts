// One pg pool, shared by Kysely (queries) and Lucia (sessions).
import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import type { AppDatabase } from '@repo/auth/app-database';
import { createLucia } from '@repo/auth/create-lucia';
import type { PostgresDatabase } from '@repo/schema/database';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

export interface OpenDatabaseOptions {
  url: string;
  /** Whether the session cookie gets `Secure` (ORIGIN is https). */
  secure: boolean;
  /** Connections in the pool; pg's default is 10. */
  poolSize?: number;
}

export function openDatabase({ url, secure, poolSize }: OpenDatabaseOptions): AppDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // pg waits for ever by default: a database that does not answer should
    // make requests fail fast (503), not hang.
    connectionTimeoutMillis: 1500,
  });
  // An idle connection that breaks (the server restarts) is reported here;
  // without a listener the error would end the process.
  pool.on('error', () => {});

  // The same pool twice: Kysely takes it as it is...
  const db = new Kysely<PostgresDatabase>({ dialect: new PostgresDialect({ pool }) });
  // ...and so does Lucia's adapter, with our table names.
  const lucia = createLucia(new NodePostgresAdapter(pool, { user: 'user', session: 'session' }), {
    secure,
  });

  // Kysely's destroy() ends the pool, for both.
  return { db, lucia, close: () => db.destroy() };
}
