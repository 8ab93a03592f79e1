import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { generateIdFromEntropySize } from 'lucia';
import { isUniqueViolation } from './is-unique-violation.ts';

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
 * Creates a user and its password key in one transaction. Returns `null` when
 * the username is taken, also when another request took it a moment earlier:
 * the unique index decides, not a read before the write.
 */
export async function createAccount(
  db: Kysely<Database>,
  account: { username: string; hashedPassword: string },
): Promise<PublicUser | null> {
  const user = { id: generateIdFromEntropySize(10), username: account.username };
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('user').values(user).execute();
      await trx
        .insertInto('key')
        .values({
          id: passwordKeyId(user.username),
          user_id: user.id,
          hashed_password: account.hashedPassword,
        })
        .execute();
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  return user;
}

/** The user and password hash behind a username, or `null` when there is none. */
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
 * Replaces a user's password hash. With `endSessions`, every session of the
 * user ends in the same transaction: a stolen session must not outlive the
 * password change that was meant to stop it.
 */
export async function setPassword(
  db: Kysely<Database>,
  userId: string,
  hashedPassword: string,
  options: { endSessions?: boolean } = {},
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('key')
      .set({ hashed_password: hashedPassword })
      .where('user_id', '=', userId)
      .where('id', 'like', 'username:%')
      .execute();
    if (options.endSessions)
      await trx.deleteFrom('session').where('user_id', '=', userId).execute();
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
): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('key')
        .values({
          id: passwordKeyId(user.username),
          user_id: user.id,
          hashed_password: hashedPassword,
          created_at_ms: Date.now(),
        })
        .execute();
      await trx.deleteFrom('session').where('user_id', '=', user.id).execute();
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
