import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Session } from 'lucia';
import { sessionLifetime } from './create-lucia.ts';
import { writeTransaction } from './retry-on-conflict.ts';

/** The credential a sign-in checked: its key, and the hash as it was read. */
export interface CheckedCredential {
  /** The `key` row: `username:<name>`, or a provider's `<provider>:<sub>`. */
  keyId: string;
  /** `null` for a provider's key, which holds none: it only has to exist still. */
  hashedPassword: string | null;
}

export interface CreateVerifiedSessionOptions {
  userId: string;
  credential: CheckedCredential;
  /** The new session's id: the SHA-256 of its token (session-token.ts). */
  sessionId: string;
  /** A stronger hash of the same password, to store with the session (`needsRehash`). */
  rehashed?: string;
  /**
   * When the user last proved who it is: now for a sign-in; the replaced
   * session's for a session that only replaces another (a first password).
   */
  authenticatedAt: Date;
}

/** How many sessions a user may hold; a new one beyond that ends those used least recently. */
export const maxSessionsPerUser = 50;

/**
 * Writes a new session row, only while the password hash the sign-in
 * checked is still the stored one; `null` when it has changed since. A
 * password change and the sign-ins it races then never both win: the change
 * (replacePassword) and this transaction both lock the key row first, so one
 * waits for the other. A sign-in that finds the key changed makes no
 * session; one that got there first has its session deleted by the change.
 *
 * Written with Kysely, not Lucia's `createSession`: Lucia's adapter takes a
 * connection of its own, outside any transaction of ours.
 */
export async function createVerifiedSession(
  db: Kysely<Database>,
  { userId, credential, sessionId, rehashed, authenticatedAt }: CreateVerifiedSessionOptions,
): Promise<Session | null> {
  const expiresAt = new Date(Date.now() + sessionLifetime.milliseconds());
  return writeTransaction(db, async (trx) => {
    // Locks the key row until the end of the transaction, on every dialect:
    // PostgreSQL and MySQL lock an updated row (the read below then sees the
    // latest committed hash, whatever the isolation level); SQLite has no
    // SELECT … FOR UPDATE, and its first write takes the database's write
    // lock. The row changes, so that on a Galera cluster a password change
    // on another node conflicts with this transaction (migration 0006).
    await trx
      .updateTable('key')
      .set((eb) => ({ lock_version: eb('lock_version', '+', 1) }))
      .where('id', '=', credential.keyId)
      .execute();
    const row = await trx
      .selectFrom('key')
      .select('hashed_password')
      .where('id', '=', credential.keyId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row || row.hashed_password !== credential.hashedPassword) return null;
    if (rehashed) {
      await trx
        .updateTable('key')
        .set({ hashed_password: rehashed })
        .where('id', '=', credential.keyId)
        .execute();
    }
    await trx
      .insertInto('session')
      .values({
        id: sessionId,
        user_id: userId,
        expires_at: expiresAt,
        authenticated_at: authenticatedAt,
      })
      .execute();
    await endSessionsBeyondCap(trx, userId);
    return { id: sessionId, userId, expiresAt, fresh: true, authenticatedAt };
  });
}

/**
 * Ends the user's sessions beyond the newest 50, so that no client can grow
 * the table (and the account page) without bound by signing in again and
 * again. "Used least recently" is read from `expires_at`: Lucia slides it
 * when it renews a session in use, and this costs no write per request. The
 * new session, which expires last, always stays. Read and then deleted by
 * id: MySQL takes no LIMIT in a DELETE's subquery.
 */
async function endSessionsBeyondCap(trx: Kysely<Database>, userId: string): Promise<void> {
  const rows = await trx
    .selectFrom('session')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('expires_at', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  const ended = rows.slice(maxSessionsPerUser).map((row) => row.id);
  if (ended.length > 0) await trx.deleteFrom('session').where('id', 'in', ended).execute();
}
