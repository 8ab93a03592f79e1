import { randomBytes } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import { type Kysely, sql } from 'kysely';
import { browserFamily } from './browser-family.ts';
import { deleteInBatches } from './delete-in-batches.ts';

// A user's security events, whole: nothing else reads or writes
// `security_event` (docs/API.md, "Account activity, export and deletion").

/** The kinds of docs/API.md; the second-factor ones are written by their flows. */
export type SecurityEventKind =
  | 'signup'
  | 'signin'
  | 'signin_failed'
  | 'second_factor_passed'
  | 'second_factor_failed'
  | 'signout'
  | 'signout_everywhere'
  | 'session_revoked'
  | 'password_changed'
  | 'password_reset'
  | 'email_added'
  | 'email_verified'
  | 'email_removed'
  | 'totp_added'
  | 'totp_removed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'recovery_codes_made'
  | 'provider_linked'
  | 'provider_unlinked';

/** Where a request came from: its client address and `User-Agent`. */
export interface EventOrigin {
  address: string;
  /** The whole `User-Agent`; only its family is stored. */
  browser?: string | undefined;
}

/** What an event says besides its kind: never a secret, a code or a token. */
export type EventDetail = Record<string, string | number | boolean>;

export interface SecurityEvent {
  userId: string;
  kind: SecurityEventKind;
  origin: EventOrigin;
  detail?: EventDetail;
  /** When it happened (ms); now by default. */
  at?: number;
}

/** An event as `GET /api/activity` answers it. */
export interface ActivityEntry {
  at: string;
  kind: string;
  address: string;
  browser: string;
  detail: EventDetail;
}

/** Events older than this are swept (housekeeping). */
export const eventLifetimeMs = 90 * 24 * 60 * 60 * 1000;
/** How many events `GET /api/activity` answers. */
export const activityLimit = 100;

/** Counts this process's events, so that two in one millisecond keep their order. */
let sequence = 0;

/**
 * An id that sorts as the events happened: the time, then this process's
 * count, then random (32 hex digits). Ties of `at_ms` are ordered by it.
 */
function eventId(at: number): string {
  sequence = (sequence + 1) % 2 ** 32;
  const time = at.toString(16).padStart(12, '0');
  return `${time}${sequence.toString(16).padStart(8, '0')}${randomBytes(6).toString('hex')}`;
}

function rowOf({ userId, kind, origin, detail = {}, at = Date.now() }: SecurityEvent) {
  return {
    id: eventId(at),
    user_id: userId,
    kind,
    at_ms: at,
    client_address: origin.address.slice(0, 64),
    browser: browserFamily(origin.browser),
    detail: JSON.stringify(detail),
  };
}

/**
 * Records an event inside the transaction of the change it tells of, so
 * that the event exists if and only if the change committed. Every flow
 * calls this, second factors too.
 *
 * @example
 * await writeTransaction(db, async (trx) => {
 *   await trx.insertInto('key').values(key).execute();
 *   await recordEvent(trx, { userId, kind: 'totp_added', origin: { address, browser } });
 * });
 */
export async function recordEvent(trx: Kysely<Database>, event: SecurityEvent): Promise<void> {
  await trx.insertInto('security_event').values(rowOf(event)).execute();
}

/**
 * Records a failed sign-in for the account that has the password key
 * `keyId`, if any, in one statement that is the same for a name no account
 * has: an INSERT ... SELECT that finds the key or not, so that an unknown
 * name costs the same round trip as a known one (no enumeration by time).
 */
export async function recordFailedSignIn(
  db: Kysely<Database>,
  { keyId, origin, detail }: { keyId: string; origin: EventOrigin; detail: EventDetail },
): Promise<void> {
  const row = rowOf({ userId: '', kind: 'signin_failed', origin, detail });
  await db
    .insertInto('security_event')
    .columns(['id', 'user_id', 'kind', 'at_ms', 'client_address', 'browser', 'detail'])
    .expression((eb) =>
      eb
        .selectFrom('key')
        .select([
          sql<string>`${row.id}`.as('id'),
          'key.user_id',
          sql<string>`${row.kind}`.as('kind'),
          // The app's own number, written as a literal: a parameter here would
          // have no type for PostgreSQL to give it.
          sql<number>`${sql.lit(row.at_ms)}`.as('at_ms'),
          sql<string>`${row.client_address}`.as('client_address'),
          sql<string>`${row.browser}`.as('browser'),
          sql<string>`${row.detail}`.as('detail'),
        ])
        .where('key.id', '=', keyId),
    )
    .execute();
}

/** The user's latest events, newest first; all of them (the export) with a `limit` of `null`. */
export async function listEvents(
  db: Kysely<Database>,
  userId: string,
  limit: number | null = activityLimit,
): Promise<ActivityEntry[]> {
  const query = db
    .selectFrom('security_event')
    .select(['at_ms', 'kind', 'client_address', 'browser', 'detail'])
    .where('user_id', '=', userId)
    .orderBy('at_ms', 'desc')
    .orderBy('id', 'desc');
  const rows = await (limit === null ? query : query.limit(limit)).execute();
  return rows.map((row) => ({
    at: new Date(row.at_ms).toISOString(),
    kind: row.kind,
    address: row.client_address,
    browser: row.browser,
    detail: JSON.parse(row.detail) as EventDetail,
  }));
}

/** Deletes events past their 90 days (housekeeping), a batch at a time. */
export async function pruneEvents(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('security_event')
        .select('id')
        .where('at_ms', '<=', now - eventLifetimeMs)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('security_event')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
}
