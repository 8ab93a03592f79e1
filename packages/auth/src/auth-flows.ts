import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches.ts';

/** How long a provider sign-in may take, from the button to the callback. */
export const flowLifetimeMs = 10 * 60 * 1000;

/** What a flow keeps on the server between the button and the callback. */
export interface AuthFlow {
  provider: string;
  state: string;
  codeVerifier: string;
  nonce: string;
  /** Set when a signed-in user links the provider, or confirms who it is through it. */
  linkUserId: string | null;
  /** The flow only confirms who `linkUserId` is (recent authentication): it links nothing. */
  reauthenticate: boolean;
}

/** The row id of a flow: the SHA-256 of the cookie's random id, so that the table holds no usable cookie. */
function flowRowId(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

/**
 * Keeps `flow` for 10 minutes and answers the random id (160 bits) for the
 * browser's `auth_flow` cookie.
 */
export async function saveFlow(db: Kysely<Database>, flow: AuthFlow, now: number): Promise<string> {
  const cookieValue = randomBytes(20).toString('base64url');
  await db
    .insertInto('auth_flow')
    .values({
      id: flowRowId(cookieValue),
      provider: flow.provider,
      state: flow.state,
      code_verifier: flow.codeVerifier,
      nonce: flow.nonce,
      link_user_id: flow.linkUserId,
      reauthenticate: flow.reauthenticate ? 1 : 0,
      expires_at_ms: now + flowLifetimeMs,
    })
    .execute();
  return cookieValue;
}

/**
 * Takes the flow a cookie names, once: the row is deleted first, and only
 * the request that deleted it gets it, so that a replayed cookie (or two
 * callbacks at once) gets `null`, as do an unknown and an expired one.
 */
export async function takeFlow(
  db: Kysely<Database>,
  cookieValue: string,
  now: number,
): Promise<AuthFlow | null> {
  // A cookie we made is 27 characters of base64url; anything else names no flow.
  if (!/^[\w-]{27}$/.test(cookieValue)) return null;
  const id = flowRowId(cookieValue);
  const row = await db.selectFrom('auth_flow').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const deleted = await db.deleteFrom('auth_flow').where('id', '=', id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  if (row.expires_at_ms <= now) return null;
  return {
    provider: row.provider,
    state: row.state,
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    linkUserId: row.link_user_id,
    reauthenticate: row.reauthenticate === 1,
  };
}

/** Deletes flows past their 10 minutes (housekeeping), a batch at a time. */
export async function pruneFlows(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('auth_flow')
        .select('id')
        .where('expires_at_ms', '<=', now)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('auth_flow')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
