import { randomBytes } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches.ts';
import { isWriteConflict } from './retry-on-conflict.ts';

// The mail outbox, whole: nothing else reads or writes `mail_outbox`
// (docs/API.md, "Mail is never lost and never holds a secret at rest").

/** What a mail is about; each has its template (mail-templates.tsx). */
export type MailKind =
  | 'email_code'
  | 'email_taken'
  | 'password_reset'
  | 'password_changed'
  | 'password_reset_done'
  | 'email_changed'
  | 'email_removed'
  | 'provider_linked'
  | 'passkey_added'
  | 'passkey_removed'
  | 'account_deleted'
  | 'second_factor_added'
  | 'second_factor_removed'
  | 'recovery_codes_used'
  | 'recovery_codes_made';

/**
 * What a mail says besides its kind: when and from where it happened, and
 * what it names. Never a code, a token or a password: those are made when
 * the mail is sent.
 */
export interface MailPayload {
  /** When it happened (ms). */
  at: number;
  clientAddress?: string | undefined;
  /** The `User-Agent` of the request, cut to 200 characters. */
  browser?: string | undefined;
  /** `email_code`: the `email_verification` row the code is for. */
  verificationId?: string;
  /** `passkey_added`, `passkey_removed`: the passkey's name. */
  passkey?: string;
  /** `email_changed`: the new address. */
  newAddress?: string;
  /** `provider_linked`: the provider's label. */
  provider?: string;
  /** `second_factor_added`, `second_factor_removed`: which (`an authenticator app`). */
  factor?: string;
  /** `recovery_codes_used`: how many codes are left. */
  codesLeft?: number;
}

export interface QueuedMail {
  kind: MailKind;
  userId: string | null;
  address: string;
  payload: MailPayload;
}

/** A row a process has claimed, to send. */
export interface ClaimedMail extends QueuedMail {
  id: string;
  createdAtMs: number;
  attempts: number;
}

/** Mail is retried this long after the change that caused it, then given up. */
export const mailLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * Writes a mail to send, inside the transaction of the change that causes
 * it: it is sent if and only if the change commits.
 */
export async function queueMail(trx: Kysely<Database>, mail: QueuedMail, now: number) {
  await trx
    .insertInto('mail_outbox')
    .values({
      id: randomBytes(16).toString('hex'),
      kind: mail.kind,
      user_id: mail.userId,
      address: mail.address,
      payload: JSON.stringify(mail.payload),
      created_at_ms: now,
      next_attempt_at_ms: now,
    })
    .execute();
}

/**
 * Claims up to `limit` rows that are due for `owner`, for `leaseMs`. Each row
 * is claimed by one conditional UPDATE (no live claim of another, still
 * due): of processes that read the same row, only the one whose UPDATE
 * changed it sends it. No session state and no advisory lock, so that it
 * holds behind a transaction pooler; on a Galera cluster the UPDATE that
 * loses certification fails, and is a lost claim too.
 */
export async function claimMail(
  db: Kysely<Database>,
  { owner, now, leaseMs, limit }: { owner: string; now: number; leaseMs: number; limit: number },
): Promise<ClaimedMail[]> {
  const due = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('next_attempt_at_ms', '<=', now)
    .where((eb) => eb.or([eb('claimed_until_ms', 'is', null), eb('claimed_until_ms', '<=', now)]))
    .orderBy('next_attempt_at_ms')
    .limit(limit)
    .execute();
  const claimed: ClaimedMail[] = [];
  for (const row of due) {
    const result = await db
      .updateTable('mail_outbox')
      .set({ claim_owner: owner, claimed_until_ms: now + leaseMs })
      .where('id', '=', row.id)
      .where('next_attempt_at_ms', '<=', now)
      .where((eb) => eb.or([eb('claimed_until_ms', 'is', null), eb('claimed_until_ms', '<=', now)]))
      .executeTakeFirst()
      .catch((error: unknown) => {
        if (isWriteConflict(error)) return null;
        throw error;
      });
    if (!result || Number(result.numUpdatedRows) !== 1) continue;
    claimed.push({
      id: row.id,
      kind: row.kind as MailKind,
      userId: row.user_id,
      address: row.address,
      payload: JSON.parse(row.payload) as MailPayload,
      createdAtMs: row.created_at_ms,
      attempts: row.attempts,
    });
  }
  return claimed;
}

/** Deletes a row its owner has delivered, or has nothing to deliver for. */
export async function finishMail(db: Kysely<Database>, id: string, owner: string): Promise<void> {
  await db
    .deleteFrom('mail_outbox')
    .where('id', '=', id)
    .where('claim_owner', '=', owner)
    .execute();
}

/** Gives a row back after a failed attempt, due again at `nextAttemptAtMs`. */
export async function postponeMail(
  db: Kysely<Database>,
  mail: ClaimedMail,
  owner: string,
  nextAttemptAtMs: number,
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      attempts: mail.attempts + 1,
      next_attempt_at_ms: nextAttemptAtMs,
      claim_owner: null,
      claimed_until_ms: null,
    })
    .where('id', '=', mail.id)
    .where('claim_owner', '=', owner)
    .execute();
}

/**
 * Deletes mail older than its 24 hours that no process gave up on itself
 * (every process was down), a batch at a time (housekeeping).
 */
export async function pruneOutbox(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('mail_outbox')
        .select('id')
        .where('created_at_ms', '<=', now - mailLifetimeMs)
        .where((eb) =>
          eb.or([eb('claimed_until_ms', 'is', null), eb('claimed_until_ms', '<=', now)]),
        )
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('mail_outbox')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
