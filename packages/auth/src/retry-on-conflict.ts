import type { Database } from '@repo/schema/database';
import type { Kysely, Transaction } from 'kysely';

/**
 * Whether a driver error means a transaction lost to a concurrent one and was
 * rolled back, so that running it again is safe: PostgreSQL's SQLSTATE 40001
 * (serialization failure) and 40P01 (deadlock); MySQL's ER_LOCK_DEADLOCK
 * (1213), which is also how a Galera node answers a COMMIT that lost
 * certification to a write on another node. Kysely passes driver errors
 * through as they are and no library classifies them, so the codes are named here.
 */
export function isWriteConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return ['40001', '40P01', 'ER_LOCK_DEADLOCK'].includes(String(error.code));
}

/** How many times a write that lost a conflict is run in all. */
const conflictTries = 6;

/**
 * Runs `work`, and runs it again while it loses a write conflict (see
 * `isWriteConflict`), after a short random pause that grows, so that writers
 * that collided do not collide again; the last conflict is thrown (answered
 * 503). `work` must be one transaction or one statement: a conflict means
 * none of it happened. Written here: the retry libraries (p-retry,
 * async-retry) would take a predicate and a backoff just as long as this.
 *
 * @example
 * await retryOnConflict(() => db.updateTable('username_throttle').set(...).execute());
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= conflictTries) throw error;
      const pauseMs = Math.random() * 5 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/**
 * Runs `work` in a transaction, again from the start when the transaction
 * loses a write conflict (two Galera nodes writing the same row: one COMMIT
 * fails; a deadlock on one server). `work` must do nothing outside the
 * database that it cannot do twice.
 *
 * @example
 * await writeTransaction(db, async (trx) => { await trx.insertInto('user').values(user).execute(); });
 */
export function writeTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return retryOnConflict(() => db.transaction().execute(work));
}
