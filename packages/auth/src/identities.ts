import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { generateIdFromEntropySize } from 'lucia';
import type { PublicUser } from './accounts.ts';
import { withSuffix } from './derive-username.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { countPasskeys } from './passkeys.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { type EventOrigin, recordEvent } from './security-events.ts';

/** The `key` id of a provider's subject: `google:<sub>`. */
export function providerKeyId(provider: string, sub: string): string {
  return `${provider}:${sub}`;
}

/** A key of a user: `provider` is `username` for the password. */
export interface UserKey {
  provider: string;
  hasPassword: boolean;
  createdAtMs: number | null;
}

/** The user a key belongs to, or `null`. */
export async function findKeyUser(db: Kysely<Database>, keyId: string): Promise<PublicUser | null> {
  const row = await db
    .selectFrom('key')
    .innerJoin('user', 'user.id', 'key.user_id')
    .select(['user.id', 'user.username'])
    .where('key.id', '=', keyId)
    .executeTakeFirst();
  return row ?? null;
}

/** Every key of a user, by provider. */
export async function listKeys(db: Kysely<Database>, userId: string): Promise<UserKey[]> {
  const rows = await db
    .selectFrom('key')
    .select(['id', 'hashed_password', 'created_at_ms'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((row) => ({
    provider: row.id.slice(0, row.id.indexOf(':')),
    hasPassword: row.hashed_password !== null,
    createdAtMs: row.created_at_ms,
  }));
}

/**
 * Writes the user's row inside a transaction: a row lock on PostgreSQL and
 * MySQL, the database's write lock on SQLite, held until the transaction
 * ends, and on a Galera cluster a write that conflicts with any other
 * node's transaction that locked the row (see migration 0006).
 */
export async function lockUser(trx: Kysely<Database>, userId: string): Promise<void> {
  await trx
    .updateTable('user')
    .set((eb) => ({ lock_version: eb('lock_version', '+', 1) }))
    .where('id', '=', userId)
    .execute();
}

/** Random digits for a username's suffix: 4, then more as collisions go on. */
function randomDigits(attempt: number): number {
  const digits = 4 + Math.floor(attempt / 3);
  return 10 ** (digits - 1) + Math.floor(Math.random() * 9 * 10 ** (digits - 1));
}

/**
 * Creates a user and its provider key in one transaction, named `base`, or
 * `base-<digits>` when that is taken. Answers the new user, or the user the
 * key already belongs to (`existing`) when another request made it first.
 */
export async function createProviderAccount(
  db: Kysely<Database>,
  { keyId, base, now, origin }: { keyId: string; base: string; now: number; origin: EventOrigin },
): Promise<{ user: PublicUser; created: boolean }> {
  const method = `provider:${keyId.slice(0, keyId.indexOf(':'))}`;
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const username = attempt === 0 ? base : withSuffix(base, randomDigits(attempt));
    const user = { id: generateIdFromEntropySize(10), username };
    try {
      await writeTransaction(db, async (trx) => {
        await trx.insertInto('user').values(user).execute();
        await trx
          .insertInto('key')
          .values({ id: keyId, user_id: user.id, hashed_password: null, created_at_ms: now })
          .execute();
        await recordEvent(trx, {
          userId: user.id,
          kind: 'signup',
          origin,
          detail: { method },
          at: now,
        });
      });
      return { user, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Either the name is taken (try another) or the key is (a sign-in at
      // the same time made it): the key decides.
      const existing = await findKeyUser(db, keyId);
      if (existing) return { user: existing, created: false };
    }
  }
  throw new Error(`no free username from "${base}" after 12 tries`);
}

/**
 * Adds a provider key to a user: `linked`; `already` when it is that
 * user's; `taken` when it is another user's, or the user has another
 * subject of that provider (one identity per provider). Nothing moves.
 */
export async function linkIdentity(
  db: Kysely<Database>,
  {
    userId,
    provider,
    keyId,
    now,
  }: { userId: string; provider: string; keyId: string; now: number },
  /** More of the link, in its transaction (the notice mail). */
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<'linked' | 'already' | 'taken'> {
  try {
    return await writeTransaction(db, async (trx) => {
      // The user's row locked first (see unlinkIdentity): two links at once
      // of one provider cannot both see it missing.
      await lockUser(trx, userId);
      const owner = await findKeyUser(trx, keyId);
      if (owner) return owner.id === userId ? 'already' : 'taken';
      const keys = await listKeys(trx, userId);
      if (keys.some((key) => key.provider === provider)) return 'taken';
      await trx
        .insertInto('key')
        .values({ id: keyId, user_id: userId, hashed_password: null, created_at_ms: now })
        .execute();
      await alsoInTransaction?.(trx);
      return 'linked';
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findKeyUser(db, keyId);
    return winner?.id === userId ? 'already' : 'taken';
  }
}

/**
 * Removes the user's key of `provider`: `not_found` when there is none;
 * `last_sign_in_method` when it is the user's only way to sign in (a
 * password, another provider, or a passkey). The user's row is locked first, so that
 * two unlinks at once of a user's last two ways take turns, and the second
 * sees the first.
 */
export async function unlinkIdentity(
  db: Kysely<Database>,
  { userId, provider, origin }: { userId: string; provider: string; origin: EventOrigin },
): Promise<'unlinked' | 'not_found' | 'last_sign_in_method'> {
  return writeTransaction(db, async (trx) => {
    await lockUser(trx, userId);
    const keys = await listKeys(trx, userId);
    const target = keys.find((key) => key.provider === provider && provider !== 'username');
    if (!target) return 'not_found';
    const others = keys.filter(
      (key) => key !== target && (key.provider !== 'username' || key.hasPassword),
    );
    if (others.length === 0 && (await countPasskeys(trx, userId)) === 0) {
      return 'last_sign_in_method';
    }
    await trx
      .deleteFrom('key')
      .where('user_id', '=', userId)
      .where('id', 'like', `${provider}:%`)
      .execute();
    await recordEvent(trx, { userId, kind: 'provider_unlinked', origin, detail: { provider } });
    return 'unlinked';
  });
}
