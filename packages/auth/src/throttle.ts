import type { Database } from '@repo/schema/database';
import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { isWriteConflict, retryOnConflict } from './retry-on-conflict.ts';

export interface ThrottleLimits {
  /** Failed sign-ins one client address may make in 10 minutes (RATE_LIMIT_SIGNIN_IP). */
  signinPerAddress: number;
  /** Sign-up attempts (accounts made, names refused as taken) one client address may make in one hour (RATE_LIMIT_SIGNUP_IP). */
  signupPerAddress: number;
  /** Provider sign-ins one client address may start in 10 minutes (RATE_LIMIT_PROVIDER_IP). */
  providerFlowsPerAddress: number;
}

/** The limits of docs/API.md when no variable sets them. */
export const defaultLimits: ThrottleLimits = {
  signinPerAddress: 10,
  signupPerAddress: 30,
  providerFlowsPerAddress: 60,
};

const minute = 60_000;
const signinWindowMs = 10 * minute;
const signupWindowMs = 60 * minute;
const providerFlowWindowMs = 10 * minute;
/** The e-mail rules count in one hour: reset requests, reset mails, address changes. */
const mailWindowMs = 60 * minute;
/** Reset mails one address may be sent in an hour. */
const resetMailsPerAddress = 3;
/** `POST /api/email` a user may make in an hour. */
const emailChangesPerUser = 5;
/** Consecutive failures of a username before each one locks it: 2^(n-5) s, at most 15 min. */
const usernameFailuresAllowed = 5;
const usernameLockMaxMs = 15 * minute;
/** How long a username's failure count is kept after its last failure. */
const usernameMemoryMs = 24 * 60 * minute;

/**
 * The throttling rules of docs/API.md, kept in the database so that every
 * app process on it counts the same attempts. Each check answers the seconds
 * to wait (0: go ahead); times come from the app's clock (`now`, in ms).
 * Written by hand: rate-limiter-flexible, the maintained library with SQL
 * stores (PostgreSQL, MySQL, SQLite, Prisma, Drizzle), takes each driver's
 * own client, not Kysely, and creates its tables itself at run time; here
 * that would be a store per dialect wired in every app's database.ts, and
 * tables outside the migrations. Nor does it hold a per-username lock that
 * doubles with each failure. These rules are a few queries on the app's
 * Kysely, in tables its migrations make.
 */
export class Throttle {
  readonly #db: Kysely<Database>;
  readonly #limits: ThrottleLimits;

  constructor(db: Kysely<Database>, limits: ThrottleLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  /**
   * Lets a sign-in attempt through, or answers the seconds to wait. An attempt
   * let through is counted as a failure at once, for its address and its
   * username (null: not a possible username), so that attempts running at the
   * same time (in this process or another) see it: reading the counts, then
   * hashing, then counting would let a whole burst through before its first
   * failure was counted. `signInSucceeded` takes a right password's count back.
   */
  async beginSignIn(
    address: string,
    username: string | null,
    now: number,
  ): Promise<{ wait: number; attempt: ThrottleEvent }> {
    const byAddress = await this.#reserveEvent(
      'signin_failure',
      address,
      now,
      this.#limits.signinPerAddress,
      signinWindowMs,
    );
    if (byAddress.wait > 0 || !username) return byAddress;
    const wait = await this.#countUsernameFailure(username, now);
    if (wait > 0) await this.#removeEvent(byAddress.attempt);
    return { wait, attempt: byAddress.attempt };
  }

  /**
   * The attempt had the right password: it was no failure, and the
   * username's consecutive failures start again from 0.
   */
  async signInSucceeded(attempt: ThrottleEvent, username: string): Promise<void> {
    await this.#removeEvent(attempt);
    await retryOnConflict(() =>
      this.#db.deleteFrom('username_throttle').where('username', '=', username).execute(),
    );
  }

  /**
   * A passkey sign-in succeeded: it was no failure of its address. It names
   * no username, so no username's count changes (passkey-sign-in.ts).
   */
  async passkeySignInSucceeded(attempt: ThrottleEvent): Promise<void> {
    await this.#removeEvent(attempt);
  }

  /**
   * Lets a sign-up through, or answers the seconds to wait; one let through
   * counts at once (see `beginSignIn`), whether it makes an account or finds
   * the name taken.
   */
  async beginSignUp(
    address: string,
    now: number,
  ): Promise<{ wait: number; attempt: ThrottleEvent }> {
    return this.#reserveEvent(
      'signup',
      address,
      now,
      this.#limits.signupPerAddress,
      signupWindowMs,
    );
  }

  /**
   * Lets a provider sign-in start, or answers the seconds to wait: each one
   * keeps a flow row for 10 minutes, so that an address may keep at most
   * `providerFlowsPerAddress` of them at a time.
   */
  async beginProviderFlow(address: string, now: number): Promise<{ wait: number }> {
    return this.#reserveEvent(
      'provider_flow',
      address,
      now,
      this.#limits.providerFlowsPerAddress,
      providerFlowWindowMs,
    );
  }

  /**
   * Lets a `POST /api/password-reset` of a client address through, or
   * answers the seconds to wait: `RATE_LIMIT_SIGNUP_IP` an hour.
   */
  async beginResetRequest(address: string, now: number): Promise<{ wait: number }> {
    return this.#reserveEvent(
      'reset_request',
      address,
      now,
      this.#limits.signupPerAddress,
      mailWindowMs,
    );
  }

  /**
   * Counts a reset mail to an address, named by `digest` (its SHA-256, so
   * that the table keeps no address); a wait above 0: 3 in the hour already,
   * and this one is not sent.
   */
  async countResetMail(digest: string, now: number): Promise<{ wait: number }> {
    return this.#reserveEvent('reset_mail', digest, now, resetMailsPerAddress, mailWindowMs);
  }

  /** Lets a user's `POST /api/email` through, or answers the seconds to wait: 5 an hour. */
  async beginEmailChange(userId: string, now: number): Promise<{ wait: number }> {
    return this.#reserveEvent(
      'email_change',
      `user:${userId}`,
      now,
      emailChangesPerUser,
      mailWindowMs,
    );
  }

  /**
   * Lets a second-factor code (TOTP or recovery) of a user be tried, or
   * answers the seconds to wait. Counted as a failure at once, as a
   * username's sign-in is (same rule: 5 in a row, then 2^(n-5) s, at most
   * 15 minutes), under the key `2fa:<user id>`, which no username can be;
   * `secondFactorSucceeded` starts the count again.
   */
  async beginSecondFactor(userId: string, now: number): Promise<{ wait: number }> {
    return { wait: await this.#countUsernameFailure(secondFactorKey(userId), now) };
  }

  /** A right code: the user's consecutive failures start again from 0. */
  async secondFactorSucceeded(userId: string): Promise<void> {
    await retryOnConflict(() =>
      this.#db
        .deleteFrom('username_throttle')
        .where('username', '=', secondFactorKey(userId))
        .execute(),
    );
  }

  /**
   * Counts an event of `address` at `now` at once, then answers the seconds
   * to wait if `limit` others are in the window (and takes it back): the
   * event reserved, or refused.
   */
  async #reserveEvent(
    kind: ThrottleEvent['kind'],
    address: string,
    now: number,
    limit: number,
    windowMs: number,
  ): Promise<{ wait: number; attempt: ThrottleEvent }> {
    const event: ThrottleEvent = {
      kind,
      address: countedAddress(address),
      at: now,
      attempt: crypto.randomUUID(),
    };
    await this.#db
      .insertInto('throttle_event')
      .values({ kind, client_address: event.address, at_ms: now, attempt_id: event.attempt })
      .execute();
    const wait = await this.#eventWait(event, limit, windowMs);
    if (wait > 0) await this.#removeEvent(event);
    return { wait, attempt: event };
  }

  async #removeEvent({ kind, address, at, attempt }: ThrottleEvent): Promise<void> {
    await this.#db
      .deleteFrom('throttle_event')
      .where('kind', '=', kind)
      .where('client_address', '=', address)
      .where('at_ms', '=', at)
      .where('attempt_id', '=', attempt)
      .execute();
  }

  /**
   * With `event` counted, whether `limit` others are in the window: until the
   * `limit`-th newest of them leaves it, the event may not happen.
   */
  async #eventWait(event: ThrottleEvent, limit: number, windowMs: number): Promise<number> {
    const newest = await this.#db
      .selectFrom('throttle_event')
      .select('at_ms')
      .where('kind', '=', event.kind)
      .where('client_address', '=', event.address)
      .where('at_ms', '>', event.at - windowMs)
      .orderBy('at_ms', 'desc')
      .limit(limit + 1)
      .execute();
    const limiting = newest[limit];
    if (!limiting) return 0;
    return Math.ceil((limiting.at_ms + windowMs - event.at) / 1000);
  }

  /**
   * Counts a failure of `username` at `now`, unless the username is locked:
   * then it answers the seconds to wait and counts nothing. The count is
   * compared and set in one UPDATE, so that of attempts at the same time only
   * those that find the username unlocked count, one after the other.
   */
  async #countUsernameFailure(username: string, now: number): Promise<number> {
    // Each lost race means another attempt counted; after a few, this one
    // waits like a locked one rather than retry without end.
    for (let tries = 0; tries < 5; tries += 1) {
      const row = await this.#db
        .selectFrom('username_throttle')
        .select(['failures', 'last_failure_ms'])
        .where('username', '=', username)
        .executeTakeFirst();
      if (row) {
        const wait = usernameLockWait(row.failures, row.last_failure_ms, now);
        if (wait > 0) return wait;
        // On a Galera cluster, the same UPDATE on another node at the same
        // time fails at COMMIT instead (a write conflict): a lost race too.
        const updated = await this.#db
          .updateTable('username_throttle')
          .set({ failures: row.failures + 1, last_failure_ms: now })
          .where('username', '=', username)
          .where('failures', '=', row.failures)
          .executeTakeFirst()
          .catch(lostRace);
        if (updated && Number(updated.numUpdatedRows) > 0) return 0;
      } else {
        const inserted = await this.#db
          .insertInto('username_throttle')
          .values({ username, failures: 1, last_failure_ms: now })
          .execute()
          .catch(lostRace);
        if (inserted) return 0;
      }
    }
    return 1;
  }
}

/** The `username_throttle` key of a user's second-factor failures: no username has a colon. */
function secondFactorKey(userId: string): string {
  return `2fa:${userId}`;
}

/** `undefined` for a write that lost to another at the same time; any other error is thrown. */
function lostRace(error: unknown): undefined {
  if (isUniqueViolation(error) || isWriteConflict(error)) return undefined;
  throw error;
}

/** A throttled event as an attempt counted it: what takes it back. */
export interface ThrottleEvent {
  kind: Database['throttle_event']['kind'];
  address: string;
  at: number;
  /** A random id of the attempt that counted itself (a UUID). */
  attempt: string;
}

/**
 * The address the per-address rules count: an IPv4 address as it is, also
 * when a dual-stack socket reports it IPv4-mapped (`::ffff:203.0.113.5`); an
 * IPv6 address by its /64, the smallest block a subscriber is given, since
 * one client with a /64 has 2^64 addresses to rotate through. Anything that
 * is no IP address (no socket: `unknown`) counts as it is.
 */
export function countedAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`).toString()}/64`;
}

/** After the n-th consecutive failure (n ≥ 5), 2^(n-5) seconds, at most 15 minutes. */
export function usernameLockWait(failures: number, lastFailureMs: number, now: number): number {
  if (failures < usernameFailuresAllowed) return 0;
  const lockMs = Math.min(2 ** (failures - usernameFailuresAllowed) * 1000, usernameLockMaxMs);
  const until = lastFailureMs + lockMs;
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** Deletes the throttle rows no rule looks at any more (housekeeping), a batch at a time. */
export async function pruneThrottle(db: Kysely<Database>, now: number): Promise<void> {
  const oldest = now - Math.max(signinWindowMs, signupWindowMs, providerFlowWindowMs, mailWindowMs);
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('throttle_event')
        .select('id')
        .where('at_ms', '<=', oldest)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('throttle_event')
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute(),
  );
  const forgotten = now - usernameMemoryMs;
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('username_throttle')
        .select('username')
        .where('last_failure_ms', '<=', forgotten)
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('username_throttle')
        .where(
          'username',
          'in',
          rows.map((row) => row.username),
        )
        .execute(),
  );
}
