import type { ColumnType } from 'kysely';

/** Columns the database fills by itself: read them, never write them. */
type Generated<T> = ColumnType<T, never, never>;

/** Added to by a transaction that locks the row (migration 0006); never set on insert. */
type LockVersion = ColumnType<number, never, number>;

/** An account. `username` is unique and always stored in lower case. */
export interface UserTable {
  id: string;
  username: string;
  created_at: Generated<Date>;
  lock_version: LockVersion;
  /** The verified address, lower case, verified for no other account; null for none (migration 0008). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  /** When `email` was verified (app clock, ms); null when there is none. */
  email_verified_at_ms: ColumnType<number | null, number | null | undefined, number | null>;
}

/**
 * A way to sign in as a user (the Lucia v2 "key" table this project keeps).
 * `id` is `"<provider>:<provider user id>"`: `username:alice` for a
 * password, `google:<sub>` for an OpenID Connect identity, whose
 * `hashed_password` is null.
 */
export interface KeyTable {
  id: string;
  user_id: string;
  hashed_password: string | null;
  /** When the key was made (app clock, ms); null for keys older than migration 0005. */
  created_at_ms: ColumnType<number | null, number | undefined, number>;
  lock_version: LockVersion;
}

/**
 * A session: `id` is the SHA-256 (hex) of the token the cookie holds, never
 * the token (migration 0004). Lucia's adapter reads it, renews and deletes
 * it; `created_at` is filled by the database and caps how long a session
 * lives; `authenticated_at` is when its user last proved who it is (a
 * sign-in, or `POST /api/reauthenticate`), which the sensitive changes ask
 * to be recent (migration 0007).
 */
export interface SessionTable {
  id: string;
  user_id: string;
  expires_at: Date;
  created_at: Generated<Date>;
  authenticated_at: Date;
  /** 1 while the session waits for its second factor (10 minutes at most), else 0 (migration 0010). */
  second_factor_pending: ColumnType<number, number | undefined, number>;
}

/**
 * Milliseconds since the epoch, from the app's clock, in a BIGINT (INTEGER on
 * SQLite), read back as a number on every dialect (see `Database`).
 */
export type EpochMs = ColumnType<number, number, number>;

/**
 * One throttled event of a client address: a failed sign-in, an account
 * created, or a provider sign-in started. Counted in a sliding window; old rows are pruned.
 */
export interface ThrottleEventTable {
  id: Generated<number>;
  kind:
    | 'signin_failure'
    | 'signup'
    | 'provider_flow'
    | 'reset_request'
    | 'reset_mail'
    | 'email_change';
  /** A client address; for `reset_mail` the SHA-256 of the address mailed, for `email_change` the user's id. */
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
 * A sign-in through an OpenID Connect provider in progress, used once and
 * kept 10 minutes. `id` is the SHA-256 (hex) of the random id the
 * browser's `auth_flow` cookie holds, so that the table holds no usable
 * cookie; `link_user_id` is set when a signed-in user links the provider
 * or confirms who it is through it.
 */
export interface AuthFlowTable {
  id: string;
  provider: string;
  state: string;
  code_verifier: string;
  nonce: string;
  link_user_id: string | null;
  /**
   * 1 when the flow only proves again who the signed-in `link_user_id` is
   * (recent authentication), 0 otherwise (migration 0007).
   */
  reauthenticate: ColumnType<number, number | undefined, number>;
  expires_at_ms: EpochMs;
}

/**
 * A code on its way to a new address (`POST /api/email`), one per user: the
 * latest request replaces the one before. `code_hash` is the code's slow hash
 * (Argon2id), written when its mail is sent, so that no row holds a code
 * before or after; `attempts` counts the codes tried (5 end it).
 */
export interface EmailVerificationTable {
  id: string;
  user_id: string;
  email: string;
  code_hash: string | null;
  expires_at_ms: EpochMs;
  attempts: ColumnType<number, number | undefined, number>;
}

/**
 * A password reset link: `id` is the SHA-256 (hex) of the token the mail
 * carries, made when the mail is sent. `used` is 1 once it has reset a
 * password; a newer link of the user deletes the older ones.
 */
export interface PasswordResetTable {
  id: string;
  user_id: string;
  expires_at_ms: EpochMs;
  used: ColumnType<number, number | undefined, number>;
}

/**
 * A mail to send, written in the transaction of the change that causes it
 * and deleted once delivered. `payload` is JSON with what the mail says
 * (never a code, a token or a password); a process claims a row by writing
 * its `claim_owner` and `claimed_until_ms` where no live claim is.
 */
export interface MailOutboxTable {
  id: string;
  kind: string;
  user_id: string | null;
  address: string;
  payload: string;
  created_at_ms: EpochMs;
  next_attempt_at_ms: EpochMs;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_until_ms: ColumnType<number | null, number | null | undefined, number | null>;
  claim_owner: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * A security event of a user (migration 0009), shown as "Recent activity"
 * and kept 90 days: `kind` is one of docs/API.md's (`signin`,
 * `password_changed`, ...), `browser` a family read from the User-Agent,
 * `detail` JSON (`{"method": "password"}`), never a secret.
 */
export interface SecurityEventTable {
  id: string;
  user_id: string;
  kind: string;
  at_ms: EpochMs;
  client_address: string;
  browser: string;
  detail: string;
}

/**
 * A user's TOTP (migration 0010): `secret` is base32, or sealed with
 * AUTH_ENCRYPTION_KEY (`v1.<iv>.<tag>.<ciphertext>`); pending while
 * `confirmed_at_ms` is null; `last_step` is the last time step a code of it
 * was accepted at, so that a code counts once.
 */
export interface TotpTable {
  user_id: string;
  secret: string;
  created_at_ms: EpochMs;
  confirmed_at_ms: ColumnType<number | null, number | null | undefined, number | null>;
  last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

/**
 * One recovery code of a user (migration 0010), single use: the Argon2id
 * digest (base64) of the code under `salt`, which all the codes of one set
 * share, so that trying a code costs one hash.
 */
export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  salt: string;
  digest: string;
  created_at_ms: EpochMs;
}

/**
 * A passkey (migration 0011): a WebAuthn credential of a user. `id` is the
 * app's handle for it; the credential is found by `credential_digest`, the
 * SHA-256 (hex) of its id, unique: a credential belongs to at most one
 * user. `public_key` is the COSE key in base64url, `transports` JSON.
 */
export interface PasskeyTable {
  id: string;
  user_id: string;
  credential_digest: string;
  credential_id: string;
  name: string;
  public_key: string;
  counter: EpochMs;
  transports: string;
  created_at_ms: EpochMs;
  last_used_at_ms: ColumnType<number | null, number | null | undefined, number | null>;
}

/**
 * A WebAuthn challenge handed out (migration 0011), keyed by its SHA-256
 * (hex), single use, kept 5 minutes: `purpose` names the flow that may take
 * it, `user_id` the user it was given to (null for a sign-in).
 */
export interface WebauthnChallengeTable {
  id: string;
  purpose: 'registration' | 'signin' | 'second_factor' | 'reauthenticate';
  user_id: string | null;
  expires_at_ms: EpochMs;
}

/**
 * The tables, the same for every dialect, as the app sees them: each
 * dialect's wiring converts at its driver or its Kysely, so that the code
 * above sees one type per column.
 *
 * Two conventions for time, on purpose:
 * - A column named `*_at` is a point in time, a `Date`. These are the
 *   columns of the tables Lucia's adapters also read and write (`session`,
 *   `user`), in each dialect's own date type, as the adapters want it:
 *   TIMESTAMPTZ (`pg` gives a `Date`), DATETIME (`mysql2` reads it as UTC),
 *   INTEGER seconds on SQLite, which has no date type
 *   (`SqliteTimestamps`, in `sqlite/`, converts for Kysely), and the
 *   database's clock fills `created_at`.
 * - A column named `*_ms` holds milliseconds since the epoch from the app's
 *   clock, in a BIGINT (INTEGER on SQLite): the tables only this app uses
 *   (throttling, provider flows, mail), compared with the `now` the app passes in
 *   (which tests can stop), to the millisecond, with no conversion on any
 *   dialect.
 *
 * Numbers are numbers: `pg` would read BIGINT (and `COUNT(*)`) as a string,
 * so the app that uses it gives its pool a parser for it (the pool's `types`);
 * `mysql2` and `better-sqlite3` read it as a number by default.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
 */
export interface Database {
  user: UserTable;
  key: KeyTable;
  session: SessionTable;
  throttle_event: ThrottleEventTable;
  username_throttle: UsernameThrottleTable;
  auth_flow: AuthFlowTable;
  email_verification: EmailVerificationTable;
  password_reset: PasswordResetTable;
  mail_outbox: MailOutboxTable;
  security_event: SecurityEventTable;
  passkey: PasskeyTable;
  webauthn_challenge: WebauthnChallengeTable;
  totp: TotpTable;
  recovery_code: RecoveryCodeTable;
}
