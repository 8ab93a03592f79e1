import { type Kysely, type MigrationLockOptions, MysqlAdapter, MysqlDialect, sql } from 'kysely';

/** How long a claim of the migration lock holds, in minutes, if its holder dies. */
const claimMinutes = 60;
/** How long a start waits for another process's migrations before it gives up. */
const waitMs = 60_000;

/**
 * Kysely's MySQL adapter, with a migration lock that a Galera cluster
 * replicates. Kysely's own lock is `GET_LOCK`, which only the node it runs on
 * knows: processes starting together on two nodes would both migrate. Here a
 * process claims the lock row Kysely's Migrator keeps
 * (`kysely_migration_lock`) with one UPDATE, which every node sees; of two
 * claims at once on two nodes, one COMMIT wins and the other fails
 * (ER_LOCK_DEADLOCK) or finds the row claimed. `is_locked` holds 0 when the
 * lock is free, else the minute (since 1970, by the database's clock) until
 * which the claim holds: a process killed while it migrates blocks the
 * others for at most `claimMinutes`.
 */
class RowLockMysqlAdapter extends MysqlAdapter {
  override async acquireMigrationLock(
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on no particular schema
    db: Kysely<any>,
    { lockTable, lockRowId }: MigrationLockOptions,
  ): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claimed = await sql`
        update ${sql.table(lockTable)}
        set is_locked = unix_timestamp() div 60 + ${sql.lit(claimMinutes)}
        where id = ${lockRowId} and is_locked < unix_timestamp() div 60`
        .execute(db)
        .then(
          (result) => Number(result.numAffectedRows) === 1,
          (error: unknown) => {
            // Another node's claim won the COMMIT.
            if ((error as { code?: unknown }).code === 'ER_LOCK_DEADLOCK') return false;
            throw error;
          },
        );
      if (claimed) return;
      if (Date.now() > deadline) {
        throw new Error(
          `another process has held the migration lock for ${waitMs / 1000} s (row "${lockRowId}" of ${lockTable}); ` +
            `a claim runs out after ${claimMinutes} minutes. If no process is migrating, free it: ` +
            `UPDATE ${lockTable} SET is_locked = 0 WHERE id = '${lockRowId}'`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  override async releaseMigrationLock(
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on no particular schema
    db: Kysely<any>,
    { lockTable, lockRowId }: MigrationLockOptions,
  ): Promise<void> {
    await sql`update ${sql.table(lockTable)} set is_locked = 0 where id = ${lockRowId}`.execute(db);
  }
}

/**
 * Kysely's `MysqlDialect`, for one MySQL server or a Galera cluster: the same
 * queries, and a migration lock that every node of a cluster sees (see above).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new ClusterMysqlDialect({ pool: pool.pool }) });
 */
export class ClusterMysqlDialect extends MysqlDialect {
  override createAdapter(): MysqlAdapter {
    return new RowLockMysqlAdapter();
  }
}
