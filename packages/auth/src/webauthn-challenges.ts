import { hash } from 'node:crypto';
import type { Database, WebauthnChallengeTable } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches.ts';

// WebAuthn challenges, whole: nothing else reads or writes
// `webauthn_challenge` (docs/API.md, "Passkeys": every challenge is kept on
// the server, single use, 5 minutes).

/** A challenge is taken once, within this long of being handed out; the ceremony's timeout too. */
export const challengeLifetimeMs = 5 * 60 * 1000;

export type ChallengePurpose = WebauthnChallengeTable['purpose'];

/** The SHA-256 (hex) a challenge is stored and found by: no row holds one. */
function digestOf(challenge: string): string {
  return hash('sha256', challenge, 'hex');
}

/** Keeps a challenge handed out for `purpose`, to `userId` (null: a sign-in). */
export async function saveChallenge(
  db: Kysely<Database>,
  {
    challenge,
    purpose,
    userId,
    now,
  }: {
    challenge: string;
    purpose: ChallengePurpose;
    userId: string | null;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('webauthn_challenge')
    .values({
      id: digestOf(challenge),
      purpose,
      user_id: userId,
      expires_at_ms: now + challengeLifetimeMs,
    })
    .execute();
}

/**
 * Takes a challenge for `purpose` and `userId`: `true` once, when it was
 * handed out for them and has not expired. The delete is the single use:
 * of two responses with one challenge, one deletes the row.
 */
export async function takeChallenge(
  db: Kysely<Database>,
  {
    challenge,
    purpose,
    userId,
    now,
  }: {
    challenge: string;
    purpose: ChallengePurpose;
    userId: string | null;
    now: number;
  },
): Promise<boolean> {
  let query = db
    .deleteFrom('webauthn_challenge')
    .where('id', '=', digestOf(challenge))
    .where('purpose', '=', purpose)
    .where('expires_at_ms', '>', now);
  query =
    userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Deletes challenges past their 5 minutes (housekeeping), a batch at a time. */
export async function pruneChallenges(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('webauthn_challenge')
        .select('id')
        .where('expires_at_ms', '<=', now)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('webauthn_challenge')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
