import { type Kysely, SqliteAdapter, SqliteDialect, sql } from 'kysely';

/** How long a start waits for another process's migrations before it gives up. */
const waitMs = 60_000;

/**
 * Kysely's SQLite adapter, with a migration lock for a file that more than
 * one process opens. Kysely takes none (one connection per process needs
 * none), so two processes starting together on one file both migrated, and
 * one failed (`table "throttle_event" already exists`). Here the Migrator's
 * run is one `BEGIN IMMEDIATE` transaction, which holds the file's write lock
 * from its first statement: the other process waits, then finds the
 * migrations applied.
 */
class WriteLockSqliteAdapter extends SqliteAdapter {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on no particular schema
  override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await sql`begin immediate`.execute(db);
        return;
      } catch (error) {
        // The connection's busy timeout ran out while another process migrated.
        const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
        if (!busy || Date.now() > deadline) throw error;
      }
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: as above
  override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
    await sql`commit`.execute(db);
  }
}

/**
 * Kysely's `SqliteDialect`, for a database file that more than one process
 * may open (a second process during a deploy, a one-off script): the same
 * queries, and migrations under the file's write lock (see above).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new SharedFileSqliteDialect({ database }) });
 */
export class SharedFileSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new WriteLockSqliteAdapter();
  }
}
