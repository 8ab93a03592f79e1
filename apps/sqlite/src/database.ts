// One better-sqlite3 connection, shared by Kysely (queries) and Lucia (sessions).
import { BetterSqlite3Adapter } from '@lucia-auth/adapter-sqlite';
import type { AppDatabase } from '@repo/auth/app-database';
import type { Database } from '@repo/schema/database';
import { SharedFileSqliteDialect } from '@repo/schema/sqlite/dialect';
import { SqliteTimestamps } from '@repo/schema/sqlite/sqlite-timestamps';
import { StatementCache } from '@repo/schema/sqlite/statement-cache';
import Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';

export interface OpenDatabaseOptions {
  /** A file path, or `:memory:`. */
  path: string;
}

export function openDatabase({ path }: OpenDatabaseOptions): AppDatabase {
  // SQLite has no pool: one synchronous connection serves every request. It
  // waits up to 500 ms for another process's lock (it blocks while it waits),
  // then the request fails with 503 rather than queueing.
  const connection = new Sqlite(path, { timeout: 500 });
  // WAL lets readers go on while one writer writes; SQLite enforces foreign
  // keys (ON DELETE CASCADE) only when asked, per connection.
  connection.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON');
  // Both libraries prepare a statement for every query; the cache prepares
  // each SQL text once and hands the same statement out again, as
  // better-sqlite3 advises (statement-cache.ts; the README says what it costs).
  const database = new StatementCache(connection);

  // The same connection twice: Kysely, which sees SQLite's seconds as Dates
  // (SqliteTimestamps), in Kysely's SqliteDialect with a migration lock for
  // when two processes open the file...
  const db = new Kysely<Database>({
    dialect: new SharedFileSqliteDialect({ database }),
    plugins: [new SqliteTimestamps()],
  });
  // ...and Lucia's adapter, with our table names. Its type asks for a whole
  // better-sqlite3 Database, of which it calls only `prepare` (read its source).
  const adapter = new BetterSqlite3Adapter(database as unknown as Sqlite.Database, {
    user: 'user',
    session: 'session',
  });

  // Kysely's destroy() closes the connection, for both.
  return { db, adapter, close: () => db.destroy() };
}
