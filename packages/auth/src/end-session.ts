import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';

/**
 * Deletes a session row (by its id, the SHA-256 of its token): sign-out,
 * revocation, the session a new sign-in replaces.
 *
 * Through Kysely rather than Lucia's `invalidateSession`: on SQLite both
 * share one connection, and Lucia's adapter runs its statement at once,
 * outside Kysely's lock on that connection, so a deletion made while
 * another request's Kysely transaction is open becomes part of it, and is
 * undone with it if it rolls back (a sign-up losing a race for a name
 * does): a sign-out answered `204` would leave its session alive. Kysely
 * waits for the transaction to end.
 */
export async function endSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}
