import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { passwordKeyId } from './accounts.ts';
import { deleteInBatches } from './delete-in-batches.ts';
import { findEmailOwner, originOf, queueNotice } from './email-addresses.ts';
import type { MailPayload } from './outbox.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { recordEvent } from './security-events.ts';
import { endAllSessions } from './sessions.ts';

// Password reset links: nothing else reads or writes `password_reset`.

/** How long a link works from when its mail is sent. */
export const resetLifetimeMs = 30 * 60 * 1000;
/** A token is 24 random bytes (192 bits) in base64url: 32 characters. */
const tokenPattern = /^[\w-]{32}$/;

/** The row id of a token: its SHA-256 in hex, so that the table holds no usable link. */
function resetRowId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A link made as its mail is sent: the token for the mail, the row for what follows the send. */
export interface IssuedResetLink {
  token: string;
  id: string;
  userId: string;
}

/**
 * Makes a new link for the account `email` is verified for, as its mail is
 * about to be sent; `null` when no account has the address verified (then
 * no mail is sent). The older links end once the mail is sent
 * (`endOlderResetLinks`); a send that fails takes the new one back
 * (`dropResetLink`), so that the older ones still work.
 */
export async function issueResetToken(
  db: Kysely<Database>,
  email: string,
  now: number,
): Promise<IssuedResetLink | null> {
  const userId = await findEmailOwner(db, email);
  if (!userId) return null;
  const token = randomBytes(24).toString('base64url');
  const id = resetRowId(token);
  await db
    .insertInto('password_reset')
    .values({ id, user_id: userId, expires_at_ms: now + resetLifetimeMs, used: 0 })
    .execute();
  return { token, id, userId };
}

/** A newer link's mail was sent: the older unused links of its user end. */
export async function endOlderResetLinks(db: Kysely<Database>, link: IssuedResetLink) {
  await db
    .deleteFrom('password_reset')
    .where('user_id', '=', link.userId)
    .where('id', '!=', link.id)
    .where('used', '=', 0)
    .execute();
}

/** A link whose mail could not be sent: no one holds it. */
export async function dropResetLink(db: Kysely<Database>, link: IssuedResetLink) {
  await db.deleteFrom('password_reset').where('id', '=', link.id).execute();
}

/** Whether a token is a link that works now: read only, before a new password is hashed. */
export async function isResetTokenUsable(
  db: Kysely<Database>,
  token: string,
  now: number,
): Promise<boolean> {
  if (!tokenPattern.test(token)) return false;
  const row = await db
    .selectFrom('password_reset')
    .select(['used', 'expires_at_ms'])
    .where('id', '=', resetRowId(token))
    .executeTakeFirst();
  return row !== undefined && row.used === 0 && row.expires_at_ms > now;
}

/**
 * Uses a link, once: in one transaction the link is marked used (only the
 * request whose UPDATE changed it goes on), the password is set (a user with
 * none gets one), every session of the user and every other link of it end,
 * and the verified address gets a notice. The user's id, or `null` for a
 * link that is wrong, used or expired.
 */
export async function resetPassword(
  db: Kysely<Database>,
  {
    token,
    hashedPassword,
    payload,
  }: { token: string; hashedPassword: string; payload: MailPayload },
): Promise<string | null> {
  if (!tokenPattern.test(token)) return null;
  const id = resetRowId(token);
  return writeTransaction(db, async (trx) => {
    // The write first: it takes the lock on every dialect (SQLite's write
    // lock too, so that no read of this transaction is older than it).
    const used = await trx
      .updateTable('password_reset')
      .set({ used: 1 })
      .where('id', '=', id)
      .where('used', '=', 0)
      .where('expires_at_ms', '>', payload.at)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return null;
    const { user_id: userId } = await trx
      .selectFrom('password_reset')
      .select('user_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const user = await trx
      .selectFrom('user')
      .select('username')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const keyId = passwordKeyId(user.username);
    // Changing the hash is what makes sign-ins that checked the old password
    // in flight fail (sessions.ts, createVerifiedSession).
    const updated = await trx
      .updateTable('key')
      .set((eb) => ({ hashed_password: hashedPassword, lock_version: eb('lock_version', '+', 1) }))
      .where('id', '=', keyId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await trx
        .insertInto('key')
        .values({
          id: keyId,
          user_id: userId,
          hashed_password: hashedPassword,
          created_at_ms: payload.at,
        })
        .execute();
    }
    await endAllSessions(trx, userId);
    await trx
      .deleteFrom('password_reset')
      .where('user_id', '=', userId)
      .where('id', '!=', id)
      .execute();
    await queueNotice(trx, userId, 'password_reset_done', payload);
    await recordEvent(trx, {
      userId,
      kind: 'password_reset',
      origin: originOf(payload),
      at: payload.at,
    });
    return userId;
  });
}

/** Deletes links used or past their time (housekeeping), a batch at a time. */
export async function pruneResets(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('password_reset')
        .select('id')
        .where((eb) => eb.or([eb('expires_at_ms', '<=', now), eb('used', '=', 1)]))
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('password_reset')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
