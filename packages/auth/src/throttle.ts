import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './is-unique-violation.ts';

export interface ThrottleLimits {
  /** Failed sign-ins one client address may make in 10 minutes (RATE_LIMIT_SIGNIN_IP). */
  signinPerAddress: number;
  /** Accounts one client address may create in one hour (RATE_LIMIT_SIGNUP_IP). */
  signupPerAddress: number;
}

const minute = 60_000;
const signinWindowMs = 10 * minute;
const signupWindowMs = 60 * minute;
/** Consecutive failures of a username before each one locks it: 2^(n-5) s, at most 15 min. */
const usernameFailuresAllowed = 5;
const usernameLockMaxMs = 15 * minute;
/** How long a username's failure count is kept after its last failure. */
const usernameMemoryMs = 24 * 60 * minute;

/**
 * The throttling rules of docs/API.md, kept in the database so that every
 * app process on it counts the same attempts. Each check answers the seconds
 * to wait (0: go ahead); times come from the app's clock (`now`, in ms).
 * Written by hand: rate-limit libraries count requests, not failed sign-ins
 * and consecutive failures per username, and keep their counts in memory or
 * Redis, not in the app's own SQL database.
 */
export class Throttle {
  readonly #db: Kysely<Database>;
  readonly #limits: ThrottleLimits;

  constructor(db: Kysely<Database>, limits: ThrottleLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  /** Seconds before `address` may try to sign in as `username` (null: not a possible username). */
  async signInWait(address: string, username: string | null, now: number): Promise<number> {
    const byAddress = await this.#eventWait(
      'signin_failure',
      address,
      this.#limits.signinPerAddress,
      signinWindowMs,
      now,
    );
    return Math.max(byAddress, username ? await this.#usernameWait(username, now) : 0);
  }

  async recordSignInFailure(address: string, username: string | null, now: number): Promise<void> {
    await this.#db
      .insertInto('throttle_event')
      .values({ kind: 'signin_failure', client_address: address, at_ms: now })
      .execute();
    if (username) await this.#countUsernameFailure(username, now);
  }

  /** A successful sign-in: the username's consecutive failures start again from 0. */
  async recordSignInSuccess(username: string): Promise<void> {
    await this.#db.deleteFrom('username_throttle').where('username', '=', username).execute();
  }

  /** Seconds before `address` may create another account. */
  signUpWait(address: string, now: number): Promise<number> {
    return this.#eventWait('signup', address, this.#limits.signupPerAddress, signupWindowMs, now);
  }

  async recordSignUp(address: string, now: number): Promise<void> {
    await this.#db
      .insertInto('throttle_event')
      .values({ kind: 'signup', client_address: address, at_ms: now })
      .execute();
  }

  /** Until the `limit`-th newest event in the window leaves it, fewer than `limit` remain. */
  async #eventWait(
    kind: 'signin_failure' | 'signup',
    address: string,
    limit: number,
    windowMs: number,
    now: number,
  ): Promise<number> {
    const newest = await this.#db
      .selectFrom('throttle_event')
      .select('at_ms')
      .where('kind', '=', kind)
      .where('client_address', '=', address)
      .where('at_ms', '>', now - windowMs)
      .orderBy('at_ms', 'desc')
      .limit(limit)
      .execute();
    const limiting = newest[limit - 1];
    if (!limiting) return 0;
    return Math.ceil((Number(limiting.at_ms) + windowMs - now) / 1000);
  }

  async #usernameWait(username: string, now: number): Promise<number> {
    const row = await this.#db
      .selectFrom('username_throttle')
      .select(['failures', 'last_failure_ms'])
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row || row.failures < usernameFailuresAllowed) return 0;
    const lockMs = Math.min(
      2 ** (row.failures - usernameFailuresAllowed) * 1000,
      usernameLockMaxMs,
    );
    const until = Number(row.last_failure_ms) + lockMs;
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  // Update, else insert, else (another process inserted first) update: the
  // same on every dialect, where an upsert is spelled three ways.
  async #countUsernameFailure(username: string, now: number): Promise<void> {
    const updated = await this.#db
      .updateTable('username_throttle')
      .set((eb) => ({ failures: eb('failures', '+', 1), last_failure_ms: now }))
      .where('username', '=', username)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    try {
      await this.#db
        .insertInto('username_throttle')
        .values({ username, failures: 1, last_failure_ms: now })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.#countUsernameFailure(username, now);
    }
  }
}

/** Deletes the throttle rows no rule looks at any more (housekeeping). */
export async function pruneThrottle(db: Kysely<Database>, now: number): Promise<void> {
  const oldest = now - Math.max(signinWindowMs, signupWindowMs);
  await db.deleteFrom('throttle_event').where('at_ms', '<=', oldest).execute();
  await db
    .deleteFrom('username_throttle')
    .where('last_failure_ms', '<=', now - usernameMemoryMs)
    .execute();
}
