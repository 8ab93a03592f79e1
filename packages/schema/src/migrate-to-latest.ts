import type { Kysely } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/** Migrations by name; names sort in the order they apply (`0001-…`, `0002-…`). */
export type Migrations = Record<string, Migration>;

/**
 * Applies every pending migration and returns the names it applied (none when
 * the database is current). Migrations come from code, not from a folder, so
 * that they survive bundling. A failure throws an error that names the
 * migration and the database's reason.
 *
 * @example
 * const applied = await migrateToLatest(db, postgresMigrations);
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no particular schema
  db: Kysely<any>,
  migrations: Migrations,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    const what = failed ? `migration "${failed.migrationName}" failed` : 'migrations could not run';
    throw new Error(`${what}: ${reason}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
