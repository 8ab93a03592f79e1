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
 * A session, written by Lucia's adapter: `id` is the token the cookie holds.
 * `created_at` is filled by the database and caps how long a session lives.
 */
export interface SessionTable<T extends Timestamp> {
  id: string;
  user_id: string;
  expires_at: T;
  created_at: Generated<T>;
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
}

export type PostgresDatabase = Database<Date>;
export type MysqlDatabase = Database<Date>;
export type SqliteDatabase = Database<number>;
