import {
  type Kysely,
  type MigrationLockOptions,
  PostgresAdapter,
  PostgresDialect,
  sql,
} from 'kysely';

/** The lock's key: any fixed number, the same in every process. */
const migrationLockKey = 7_317_262_115;

/**
 * Kysely's PostgreSQL adapter, with a migration lock that holds behind a
 * transaction pooler: `pg_advisory_xact_lock`, taken inside the migrations'
 * transaction and let go by its COMMIT or ROLLBACK. Kysely's own lock is a
 * session lock, taken and freed by two statements; PgBouncer in transaction
 * mode may send them to two server connections, and the lock then stays held
 * by one of them (every later start waits on it).
 */
class TransactionLockPostgresAdapter extends PostgresAdapter {
  override async acquireMigrationLock(
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on no particular schema
    db: Kysely<any>,
    options: MigrationLockOptions,
  ): Promise<void> {
    // A Migrator run outside a transaction (migrateTo in a script) takes
    // Kysely's session lock, which holds when the server is reached directly.
    if (!db.isTransaction) return super.acquireMigrationLock(db, options);
    await sql`select pg_advisory_xact_lock(${sql.lit(migrationLockKey)})`.execute(db);
  }

  override async releaseMigrationLock(
    // biome-ignore lint/suspicious/noExplicitAny: as above
    db: Kysely<any>,
    options: MigrationLockOptions,
  ): Promise<void> {
    // Inside a transaction, its end lets the lock go.
    if (!db.isTransaction) return super.releaseMigrationLock(db, options);
  }
}

/**
 * Kysely's `PostgresDialect`, for a server reached directly or through
 * PgBouncer in transaction mode: `migrateToLatest` applies the migrations in
 * one transaction, under a lock that ends with it (see above).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PooledPostgresDialect({ pool }) });
 */
export class PooledPostgresDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new TransactionLockPostgresAdapter();
  }
}
