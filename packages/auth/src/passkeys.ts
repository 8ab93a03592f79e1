import { hash } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { generateIdFromEntropySize } from 'lucia';
import { queueNotice } from './email-addresses.ts';
import { listKeys, lockUser } from './identities.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { type EventOrigin, recordEvent } from './security-events.ts';

// Passkeys, whole: nothing else reads or writes `passkey` (docs/API.md,
// "Passkeys"); their challenges are webauthn-challenges.ts's.

/** A passkey as `GET /api/passkeys` lists it. */
export interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A stored credential, as the WebAuthn library verifies an assertion with it. */
export interface StoredPasskey {
  id: string;
  userId: string;
  name: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/** The SHA-256 (hex) a credential id is stored and found by. */
function digestOf(value: string): string {
  return hash('sha256', value, 'hex');
}

function infoOf(row: {
  id: string;
  name: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
}): PasskeyInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at_ms).toISOString(),
    lastUsedAt: row.last_used_at_ms === null ? null : new Date(row.last_used_at_ms).toISOString(),
  };
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(db: Kysely<Database>, userId: string): Promise<PasskeyInfo[]> {
  const rows = await db
    .selectFrom('passkey')
    .select(['id', 'name', 'created_at_ms', 'last_used_at_ms'])
    .where('user_id', '=', userId)
    .orderBy('created_at_ms')
    .orderBy('id')
    .execute();
  return rows.map(infoOf);
}

/** The credential ids of the user's passkeys, so that an authenticator does not register one twice. */
export async function listCredentialIds(
  db: Kysely<Database>,
  userId: string,
): Promise<{ id: string; transports: string[] }[]> {
  const rows = await db
    .selectFrom('passkey')
    .select(['credential_id', 'transports'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((row) => ({
    id: row.credential_id,
    transports: JSON.parse(row.transports) as string[],
  }));
}

/** The passkey of a credential id, or `null`. */
export async function findPasskey(
  db: Kysely<Database>,
  credentialId: string,
): Promise<StoredPasskey | null> {
  const row = await db
    .selectFrom('passkey')
    .select(['id', 'user_id', 'name', 'credential_id', 'public_key', 'counter', 'transports'])
    .where('credential_digest', '=', digestOf(credentialId))
    .executeTakeFirst();
  if (!row || row.credential_id !== credentialId) return null;
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
  };
}

/**
 * Stores a verified credential as the user's passkey, with its event and
 * notice in the same transaction: `null` when the credential is registered
 * already (to this user or another: it belongs to at most one).
 */
export async function addPasskey(
  db: Kysely<Database>,
  input: {
    userId: string;
    name: string;
    credentialId: string;
    publicKey: string;
    counter: number;
    transports: string[];
    now: number;
    origin: EventOrigin;
  },
): Promise<PasskeyInfo | null> {
  const { userId, name, now, origin } = input;
  const row = {
    id: generateIdFromEntropySize(10),
    user_id: userId,
    credential_digest: digestOf(input.credentialId),
    credential_id: input.credentialId,
    name,
    public_key: input.publicKey,
    counter: input.counter,
    transports: JSON.stringify(input.transports),
    created_at_ms: now,
  };
  try {
    await writeTransaction(db, async (trx) => {
      await trx.insertInto('passkey').values(row).execute();
      await recordEvent(trx, { userId, kind: 'passkey_added', origin, detail: { name }, at: now });
      await queueNotice(trx, userId, 'passkey_added', {
        at: now,
        clientAddress: origin.address,
        browser: origin.browser?.slice(0, 200),
        passkey: name,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  return infoOf({ ...row, last_used_at_ms: null });
}

/**
 * Removes the user's passkey `id`: `not_found` when it has none of that id;
 * `last_sign_in_method` when nothing else would sign the user in (no
 * password, no provider, no other passkey). The user's row is locked first,
 * as for an unlink (identities.ts), so that two removals at once take turns.
 */
export async function removePasskey(
  db: Kysely<Database>,
  { userId, id, now, origin }: { userId: string; id: string; now: number; origin: EventOrigin },
): Promise<'removed' | 'not_found' | 'last_sign_in_method'> {
  return writeTransaction(db, async (trx) => {
    await lockUser(trx, userId);
    const passkeys = await trx
      .selectFrom('passkey')
      .select(['id', 'name'])
      .where('user_id', '=', userId)
      .execute();
    const target = passkeys.find((passkey) => passkey.id === id);
    if (!target) return 'not_found';
    const keys = await listKeys(trx, userId);
    const otherWays =
      keys.filter((key) => key.provider !== 'username' || key.hasPassword).length +
      passkeys.length -
      1;
    if (otherWays === 0) return 'last_sign_in_method';
    await trx.deleteFrom('passkey').where('id', '=', id).execute();
    await recordEvent(trx, {
      userId,
      kind: 'passkey_removed',
      origin,
      detail: { name: target.name },
      at: now,
    });
    await queueNotice(trx, userId, 'passkey_removed', {
      at: now,
      clientAddress: origin.address,
      browser: origin.browser?.slice(0, 200),
      passkey: target.name,
    });
    return 'removed';
  });
}

/** How many passkeys the user has (another way to sign in, for an unlink). */
export async function countPasskeys(trx: Kysely<Database>, userId: string): Promise<number> {
  const rows = await trx.selectFrom('passkey').select('id').where('user_id', '=', userId).execute();
  return rows.length;
}

/**
 * Records a use of the passkey inside the session's transaction: the new
 * counter and the time, only while the row still holds the counter the
 * assertion was checked against. The update locks the row; `false` when it
 * is gone (removed meanwhile) or another sign-in moved its counter first,
 * so that one assertion never makes two sessions.
 */
export async function usePasskey(
  trx: Kysely<Database>,
  {
    id,
    userId,
    checkedCounter,
    newCounter,
    now,
  }: {
    id: string;
    userId: string;
    checkedCounter: number;
    newCounter: number;
    now: number;
  },
): Promise<boolean> {
  const result = await trx
    .updateTable('passkey')
    .set({ counter: newCounter, last_used_at_ms: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('counter', '=', checkedCounter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
