// One better-sqlite3 connection, shared by Kysely (queries) and Lucia (sessions).
import { BetterSqlite3Adapter } from '@lucia-auth/adapter-sqlite';
import type { AppDatabase } from '@repo/auth/app-database';
import { createLucia } from '@repo/auth/create-lucia';
import type { SqliteDatabase } from '@repo/schema/database';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

export interface OpenDatabaseOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** Whether the session cookie gets `Secure` (ORIGIN is https). */
  secure: boolean;
}

export function openDatabase({ path, secure }: OpenDatabaseOptions): AppDatabase {
  // SQLite has no pool: one synchronous connection serves every request. It
  // waits up to 500 ms for another process's lock (it blocks while it waits),
  // then the request fails with 503 rather than queueing.
  const database = new Sqlite(path, { timeout: 500 });
  // WAL lets readers go on while one writer writes; SQLite enforces foreign
  // keys (ON DELETE CASCADE) only when asked, per connection.
  database.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON');

  // The same connection twice: Kysely...
  const db = new Kysely<SqliteDatabase>({ dialect: new SqliteDialect({ database }) });
  // ...and Lucia's adapter, with our table names.
  const lucia = createLucia(
    new BetterSqlite3Adapter(database, { user: 'user', session: 'session' }),
    {
      secure,
    },
  );

  // Kysely's destroy() closes the connection, for both.
  return { db, lucia, close: () => db.destroy() };
}
