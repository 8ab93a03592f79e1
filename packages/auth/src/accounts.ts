import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { generateIdFromEntropySize } from 'lucia';
import { isUniqueViolation } from './is-unique-violation.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { type CheckedCredential, endAllSessions } from './sessions.ts';

/** What may leave the server about a user. */
export interface PublicUser {
  id: string;
  username: string;
}

/** The `key` row of a username and password. */
export function passwordKeyId(username: string): string {
  return `username:${username}`;
}

/**
 * Whether an account has the username, which must match the policy (the
 * caller checks): a taken name is refused before any password is hashed.
 */
export async function isUsernameTaken(db: Kysely<Database>, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('user')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Creates a user and its password key in one transaction. Returns `null` when
 * the username is taken, also when another request took it a moment earlier:
 * the unique index decides, not a read before the write.
 */
export async function createAccount(
  db: Kysely<Database>,
  account: { username: string; hashedPassword: string },
  /** More of the sign-up, in its transaction (its security event). */
  alsoInTransaction?: (trx: Kysely<Database>, user: PublicUser) => Promise<unknown>,
): Promise<PublicUser | null> {
  const user = { id: generateIdFromEntropySize(10), username: account.username };
  try {
    await writeTransaction(db, async (trx) => {
      await trx.insertInto('user').values(user).execute();
      await trx
        .insertInto('key')
        .values({
          id: passwordKeyId(user.username),
          user_id: user.id,
          hashed_password: account.hashedPassword,
        })
        .execute();
      await alsoInTransaction?.(trx, user);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  return user;
}

/**
 * The user and password hash behind a username, or `null` when there is none.
 * The username must match the policy (the caller checks): a database may pad
 * or fold what it compares (MySQL's binary collation finds `alice` for
 * `alice `) or refuse it (PostgreSQL and a NUL byte).
 */
export async function findPasswordAccount(
  db: Kysely<Database>,
  username: string,
): Promise<{ user: PublicUser; hashedPassword: string | null } | null> {
  const row = await db
    .selectFrom('key')
    .innerJoin('user', 'user.id', 'key.user_id')
    .select(['user.id', 'user.username', 'key.hashed_password'])
    .where('key.id', '=', passwordKeyId(username))
    .executeTakeFirst();
  if (!row) return null;
  return { user: { id: row.id, username: row.username }, hashedPassword: row.hashed_password };
}

/**
 * Replaces the password the caller checked (`credential`) with
 * `hashedPassword`, and ends every session of the user in the same
 * transaction: a stolen session must not outlive the change meant to stop it.
 * `false`, and nothing changed, when the stored hash is no longer the one
 * checked: another change came first, and this one's current password is
 * not current any more. The update locks the key row, so sign-ins that
 * checked the old password wait for the change (sessions.ts).
 */
export async function replacePassword(
  db: Kysely<Database>,
  userId: string,
  credential: CheckedCredential & { hashedPassword: string },
  hashedPassword: string,
  /** More of the change, in its transaction (the notice mail). */
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<boolean> {
  return writeTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('key')
      .set({ hashed_password: hashedPassword })
      .where('id', '=', credential.keyId)
      .where('user_id', '=', userId)
      .where('hashed_password', '=', credential.hashedPassword)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await endAllSessions(trx, userId);
    await alsoInTransaction?.(trx);
    return true;
  });
}

/**
 * Gives a user who has no password (one who signed up through a provider)
 * its first: a `username:` key, and every session of the user ends in the
 * same transaction, as a change does. `false` when the user has one already.
 */
export async function setFirstPassword(
  db: Kysely<Database>,
  user: PublicUser,
  hashedPassword: string,
  /** More of the change, in its transaction (the notice mail). */
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<boolean> {
  try {
    await writeTransaction(db, async (trx) => {
      await trx
        .insertInto('key')
        .values({
          id: passwordKeyId(user.username),
          user_id: user.id,
          hashed_password: hashedPassword,
          created_at_ms: Date.now(),
        })
        .execute();
      await endAllSessions(trx, user.id);
      await alsoInTransaction?.(trx);
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
