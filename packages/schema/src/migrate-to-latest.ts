import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';

/** The Migrator's lock table and row (its defaults). */
const lockOptions = { lockTable: 'kysely_migration_lock', lockRowId: 'migration_lock' };

/** A failed Migrator run, thrown out of its transaction. */
class MigrationsFailed extends Error {
  readonly outcome: MigrationResultSet;

  constructor(outcome: MigrationResultSet) {
    super('migrations failed');
    this.outcome = outcome;
  }
}

/** Migrations by name; names sort in the order they apply (`0001-…`, `0002-…`). */
export type Migrations = Record<string, Migration>;

/**
 * Applies every pending migration and returns the names it applied (none when
 * the database is current). Migrations come from code, not from a folder, so
 * that they survive bundling. A failure throws an error that names the
 * migration and the database's reason.
 *
 * Where Kysely runs DDL in transactions (PostgreSQL), all of it runs in one
 * transaction, under the dialect's migration lock taken first (before the
 * Migrator creates its own tables, which two starts at once would race
 * for): a failed migration leaves nothing behind, and PgBouncer in
 * transaction mode keeps it all on one server connection. Elsewhere (MySQL
 * commits each DDL statement; Kysely's SQLite adapter says the same) the
 * Migrator runs the migrations one by one under the dialect's lock:
 * `<dialect>/dialect.ts` of this package has each.
 *
 * @example
 * const applied = await migrateToLatest(db, postgresMigrations);
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no particular schema
  db: Kysely<any>,
  migrations: Migrations,
): Promise<string[]> {
  const adapter = db.getExecutor().adapter;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const migrate = (on: Kysely<any>) =>
    new Migrator({ db: on, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  const { error, results = [] } = adapter.supportsTransactionalDdl
    ? await db
        .transaction()
        .execute(async (trx) => {
          await adapter.acquireMigrationLock(trx, lockOptions);
          const outcome = await migrate(trx);
          // The Migrator answers a failure rather than throw it: thrown, it rolls all back.
          if (outcome.error !== undefined) throw new MigrationsFailed(outcome);
          return outcome;
        })
        .catch((thrown: unknown) => {
          if (thrown instanceof MigrationsFailed) return thrown.outcome;
          throw thrown;
        })
    : await migrate(db);
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    const what = failed ? `migration "${failed.migrationName}" failed` : 'migrations could not run';
    throw new Error(`${what}: ${reason}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
