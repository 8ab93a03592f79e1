import type { ColumnType } from 'kysely';

/**
 * A point in time as the driver returns it. `pg` (TIMESTAMPTZ) and `mysql2`
 * (DATETIME read as UTC) give a `Date`; SQLite stores whole seconds since the
 * epoch in an INTEGER, which is what Lucia's SQLite adapter reads and writes.
 */
export type Timestamp = Date | number;

/** Columns the database fills by itself: read them, never write them. */
type Generated<T> = ColumnType<T, never, never>;

/** An account. `username` is unique and always stored in lower case. */
export interface UserTable<T extends Timestamp> {
  id: string;
  username: string;
  created_at: Generated<T>;
}

/**
 * A way to sign in as a user (the Lucia v2 "key" table this project keeps).
 * `id` is `"<provider>:<provider user id>"`, e.g. `username:alice`;
 * `hashed_password` is null for keys that carry no password (OAuth, later).
 */
export interface KeyTable {
  id: string;
  user_id: string;
  hashed_password: string | null;
}

/**
 * A session: `id` is the SHA-256 (hex) of the token the cookie holds, never
 * the token (migration 0004). Lucia's adapter reads it, renews and deletes
 * it; `created_at` is filled by the database and caps how long a session lives.
 */
export interface SessionTable<T extends Timestamp> {
  id: string;
  user_id: string;
  expires_at: T;
  created_at: Generated<T>;
}

/**
 * Milliseconds since the epoch, from the app's clock. Written as a number;
 * read back as a number, except from `pg`, which returns BIGINT as a string.
 */
export type EpochMs = ColumnType<number | string, number, number>;

/**
 * One throttled event of a client address: a failed sign-in, or an account
 * created. Counted in a sliding window; old rows are pruned.
 */
export interface ThrottleEventTable {
  id: Generated<number | string>;
  kind: 'signin_failure' | 'signup';
  client_address: string;
  at_ms: EpochMs;
  /**
   * Set by the attempt that counted itself in advance (a sign-in or sign-up
   * let through), so that it can take back exactly its own row.
   */
  attempt_id: string | null;
}

/** Consecutive failed sign-ins of a username; a successful one deletes the row. */
export interface UsernameThrottleTable {
  username: string;
  failures: number;
  last_failure_ms: EpochMs;
}

/**
 * The tables of every dialect. `Database` (any timestamp) is what the
 * dialect-agnostic code in `@repo/auth` sees; each app opens its Kysely with
 * the precise type of its driver.
 *
 * @example
 * const db = new Kysely<PostgresDatabase>({ dialect: new PostgresDialect({ pool }) });
 */
export interface Database<T extends Timestamp = Timestamp> {
  user: UserTable<T>;
  key: KeyTable;
  session: SessionTable<T>;
  throttle_event: ThrottleEventTable;
  username_throttle: UsernameThrottleTable;
}

export type PostgresDatabase = Database<Date>;
export type MysqlDatabase = Database<Date>;
export type SqliteDatabase = Database<number>;
