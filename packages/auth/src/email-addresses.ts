import { randomBytes } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { type MailKind, type MailPayload, mailLifetimeMs, queueMail } from './outbox.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { recordEvent } from './security-events.ts';

// A user's verified address and the codes that verify a new one: nothing
// else reads or writes `user.email` or `email_verification`.

/** How long a code is valid from when its mail is sent. */
export const codeLifetimeMs = 10 * 60 * 1000;
/** Codes tried before a verification ends, the right one then refused too. */
export const maxCodeAttempts = 5;

/** Writes the user's row in the transaction, as identities.ts does: a lock on every dialect. */
async function lockUser(trx: Kysely<Database>, userId: string): Promise<void> {
  await trx
    .updateTable('user')
    .set((eb) => ({ lock_version: eb('lock_version', '+', 1) }))
    .where('id', '=', userId)
    .execute();
}

/**
 * Ends the user's verification in progress, if it has one: found by a plain
 * read, deleted by its primary key. On MySQL's InnoDB a DELETE through the
 * `user_id` index that finds no row locks the gap where one would go, and
 * other users' requests inserting theirs into that gap deadlock one another:
 * 12 at once, 38 deadlocks in 60 transactions, one of which lost six times
 * and was answered 503; read first, none. The caller holds the user's lock
 * (`lockUser`), so two requests of one user do not both find none.
 */
async function endVerification(trx: Kysely<Database>, userId: string): Promise<void> {
  const rows = await trx
    .selectFrom('email_verification')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  if (rows.length === 0) return;
  await trx
    .deleteFrom('email_verification')
    .where(
      'id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();
}

/** Where a change came from, as the mail payload holds it, for its security event. */
export function originOf(payload: MailPayload) {
  return { address: payload.clientAddress ?? '', browser: payload.browser };
}

/** The user's verified address, or `null`. */
export async function verifiedEmailOf(db: Kysely<Database>, userId: string) {
  const row = await db
    .selectFrom('user')
    .select('email')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.email ?? null;
}

/** The address the user's latest code went to, while that code can still be entered; `null` otherwise. */
export async function pendingEmailOf(
  db: Kysely<Database>,
  userId: string,
  now: number,
): Promise<string | null> {
  const row = await db
    .selectFrom('email_verification')
    .select(['email', 'code_hash', 'expires_at_ms', 'attempts'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row || row.expires_at_ms <= now || row.attempts >= maxCodeAttempts) return null;
  return row.email;
}

/** The account `email` is verified for, or `null`. */
export async function findEmailOwner(db: Kysely<Database>, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Queues a notice of `kind` to the user's verified address, if it has one,
 * inside the transaction of the change it tells of.
 */
export async function queueNotice(
  trx: Kysely<Database>,
  userId: string,
  kind: MailKind,
  payload: MailPayload,
): Promise<boolean> {
  const email = await verifiedEmailOf(trx, userId);
  if (!email) return false;
  await queueMail(trx, { kind, userId, address: email, payload }, payload.at);
  return true;
}

/**
 * Starts verifying `email` for the user: a new verification replaces the
 * one before, and its code mail is queued. The code is made when the mail is
 * sent (`setVerificationCode`): until then the row has none, and lives as
 * long as the mail may be retried.
 */
export async function startVerification(
  db: Kysely<Database>,
  { userId, email, payload }: { userId: string; email: string; payload: MailPayload },
): Promise<void> {
  const id = randomBytes(16).toString('hex');
  await writeTransaction(db, async (trx) => {
    await lockUser(trx, userId);
    await endVerification(trx, userId);
    await trx
      .insertInto('email_verification')
      .values({
        id,
        user_id: userId,
        email,
        code_hash: null,
        expires_at_ms: payload.at + mailLifetimeMs + codeLifetimeMs,
      })
      .execute();
    await queueMail(
      trx,
      { kind: 'email_code', userId, address: email, payload: { ...payload, verificationId: id } },
      payload.at,
    );
    await recordEvent(trx, {
      userId,
      kind: 'email_added',
      origin: originOf(payload),
      at: payload.at,
    });
  });
}

/**
 * Stores the hash of the code a mail is about to carry, valid 10 minutes
 * from now, with no attempt counted. `false` when the verification is gone
 * or replaced: that mail is not sent.
 */
export async function setVerificationCode(
  db: Kysely<Database>,
  { id, userId, codeHash, now }: { id: string; userId: string; codeHash: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('email_verification')
    .set({ code_hash: codeHash, expires_at_ms: now + codeLifetimeMs, attempts: 0 })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A verification a code may be tried against, with this try already counted. */
export interface VerificationAttempt {
  id: string;
  email: string;
  codeHash: string;
}

/**
 * Counts one try of a code against the user's verification before the code
 * is checked, so that tries at the same time count each other: `null` when
 * there is none to try (none, no code sent yet, expired, or 5 tries made).
 */
export async function takeVerificationAttempt(
  db: Kysely<Database>,
  userId: string,
  now: number,
): Promise<VerificationAttempt | null> {
  for (let tries = 0; tries < 5; tries += 1) {
    const row = await db
      .selectFrom('email_verification')
      .select(['id', 'email', 'code_hash', 'expires_at_ms', 'attempts'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row?.code_hash || row.expires_at_ms <= now || row.attempts >= maxCodeAttempts) return null;
    const counted = await db
      .updateTable('email_verification')
      .set({ attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) === 1) {
      return { id: row.id, email: row.email, codeHash: row.code_hash };
    }
  }
  return null;
}

/**
 * Makes the verified address the user's, once: the verification is deleted
 * in the same transaction, and only the request that deleted it goes on. The
 * old address, if any, gets a notice. `used` when another request took it,
 * `taken` when another account verified the address meanwhile.
 */
export async function completeVerification(
  db: Kysely<Database>,
  {
    userId,
    attempt,
    payload,
  }: { userId: string; attempt: VerificationAttempt; payload: MailPayload },
): Promise<'verified' | 'used' | 'taken'> {
  try {
    return await writeTransaction(db, async (trx) => {
      await lockUser(trx, userId);
      const deleted = await trx
        .deleteFrom('email_verification')
        .where('id', '=', attempt.id)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return 'used' as const;
      const old = await verifiedEmailOf(trx, userId);
      await trx
        .updateTable('user')
        .set({ email: attempt.email, email_verified_at_ms: payload.at })
        .where('id', '=', userId)
        .execute();
      await recordEvent(trx, {
        userId,
        kind: 'email_verified',
        origin: originOf(payload),
        at: payload.at,
      });
      if (old && old !== attempt.email) {
        await queueMail(
          trx,
          {
            kind: 'email_changed',
            userId,
            address: old,
            payload: { ...payload, newAddress: attempt.email },
          },
          payload.at,
        );
      }
      return 'verified' as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
}

/**
 * Removes the user's verified address and any verification in progress;
 * the address removed gets a notice. `false` when it had none.
 */
export async function removeEmail(
  db: Kysely<Database>,
  { userId, payload }: { userId: string; payload: MailPayload },
): Promise<boolean> {
  return writeTransaction(db, async (trx) => {
    await lockUser(trx, userId);
    await endVerification(trx, userId);
    const old = await verifiedEmailOf(trx, userId);
    if (!old) return false;
    await trx
      .updateTable('user')
      .set({ email: null, email_verified_at_ms: null })
      .where('id', '=', userId)
      .execute();
    await queueMail(trx, { kind: 'email_removed', userId, address: old, payload }, payload.at);
    await recordEvent(trx, {
      userId,
      kind: 'email_removed',
      origin: originOf(payload),
      at: payload.at,
    });
    return true;
  });
}

/** Deletes verifications past their time (housekeeping), a batch at a time. */
export async function pruneVerifications(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('email_verification')
        .select('id')
        .where('expires_at_ms', '<=', now)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('email_verification')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
