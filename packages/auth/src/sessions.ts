import { hash } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import {
  type Adapter,
  Cookie,
  generateIdFromEntropySize,
  Lucia,
  type Session,
  TimeSpan,
  type User,
} from 'lucia';
import { deleteInBatches } from './delete-in-batches.ts';
import { retryOnConflict, writeTransaction } from './retry-on-conflict.ts';
import { type SecondFactorMethod, secondFactorMethodsOf } from './second-factor-methods.ts';
import { recordEvent, type SecurityEvent } from './security-events.ts';

// Sessions, whole: the cookie, the `session` table, and Lucia, which
// validates. Nothing else reads or writes either (docs/API.md, "Session
// cookie", "Sessions per user", "Recent authentication").

/** The cookie's name over http, and its name under https before `__Host-`. */
const legacyCookieName = 'auth_session';
/** Lucia slides a session to 30 days when less than half of it (15 days) is left. */
const sessionLifetime = new TimeSpan(30, 'd');
/** No session outlives this from its creation, however often it is renewed. */
export const maxSessionLifetimeMs = 90 * 24 * 60 * 60 * 1000;
/** How long a session waiting for its second factor lives from its creation. */
export const waitingSessionLifetimeMs = 10 * 60 * 1000;
/** How many sessions a user may hold; a new one ends those used least recently. */
export const maxSessionsPerUser = 50;
/** Tokens issued since migration 0004 (256 bits of base32), and Lucia's before it (200 bits). */
const tokenPattern = /^[a-z2-7]{52}$/;
const legacyTokenPattern = /^[a-z2-7]{40}$/;

/**
 * The id of the row behind a token: its SHA-256 in hex. The database holds
 * only this, so that a copy of it signs no one in; and whatever a cookie
 * carries reaches the database as 64 hex digits.
 */
export function sessionIdOf(token: string): string {
  return hash('sha256', token, 'hex');
}

/** How `/api/sessions` names a session: a digest of its id, never its token. */
function handleOf(sessionId: string): string {
  return hash('sha256', sessionId, 'base64url').slice(0, 22);
}

/** The credential a sign-in checked: its key, and the hash as it was read. */
export interface CheckedCredential {
  /** The `key` row: `username:<name>`, or a provider's `<provider>:<sub>`. */
  keyId: string;
  /** `null` for a provider's key, which holds none: it only has to exist still. */
  hashedPassword: string | null;
}

/**
 * A credential that is not a `key` row (a passkey): `check` runs first in
 * the session's transaction, locks what the sign-in verified and answers
 * whether it still holds, as the key row's lock does for a password.
 */
export interface CredentialCheck {
  check(trx: Kysely<Database>): Promise<boolean>;
}

/** The security event a session's making or ending records, in its transaction. */
export type SessionEvent = Omit<SecurityEvent, 'userId'>;

/** A session as `GET /api/sessions` lists it. */
export interface SessionInfo {
  /** An opaque handle, never the token. */
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

export interface SessionsOptions {
  db: Kysely<Database>;
  /** Lucia's official adapter for the app's driver, over the pool `db` uses. */
  adapter: Adapter;
  /** The public origin: https makes the cookie `Secure` and `__Host-auth_session`. */
  origin: string;
}

function createLucia(adapter: Adapter, secure: boolean) {
  return new Lucia(adapter, {
    sessionExpiresIn: sessionLifetime,
    sessionCookie: {
      name: secure ? '__Host-auth_session' : legacyCookieName,
      attributes: { secure, sameSite: 'lax' },
    },
    // What may leave the server of the user row Lucia reads (`SELECT user.*`).
    getUserAttributes: (attributes) => ({
      username: attributes.username,
      email: attributes.email ?? null,
    }),
    getSessionAttributes: (attributes) => ({
      authenticatedAt: dateOf(attributes.authenticated_at),
      createdAt: dateOf(attributes.created_at),
      // Still waiting for its second factor: not signed in yet (migration 0010).
      secondFactorPending: Number(attributes.second_factor_pending) === 1,
    }),
  });
}

/** A time of the session row as Lucia's adapter reads it: a Date from pg and mysql2; seconds from SQLite, as Lucia's own expires_at. */
function dateOf(value: Date | number): Date {
  return value instanceof Date ? value : new Date(Number(value) * 1000);
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { username: string; email: string | null };
    DatabaseSessionAttributes: {
      authenticated_at: Date | number;
      created_at: Date | number;
      second_factor_pending: number;
    };
  }
}

/** Sends a cookie that the sessions module made (a new session's, or one that deletes it). */
export function sendSessionCookie(c: Context, cookie: Cookie | null): void {
  if (cookie) c.header('Set-Cookie', cookie.serialize(), { append: true });
}

/**
 * The app's sessions over Lucia and one Kysely. Lucia validates and slides
 * them; rows are written and deleted through Kysely, because on SQLite
 * Lucia's adapter shares Kysely's connection but not its lock: a write of
 * Lucia's made while another request's Kysely transaction is open would
 * become part of it, and be undone if that rolls back.
 *
 * @example
 * const sessions = createSessions({ db, adapter, origin: 'https://auth.example.com' });
 * const { user, session } = await sessions.validate(c);
 */
export function createSessions({ db, adapter, origin }: SessionsOptions) {
  const secure = origin.startsWith('https://');
  const lucia = createLucia(adapter, secure);
  const none = { user: null, session: null };

  /**
   * The cookie of a token, whose `Max-Age` ends when the session does,
   * counted from `now`: a new session passes the time its `expiresAt` was
   * reckoned from, so that its cookie says its whole lifetime however long
   * the transaction that made it waited (a locked row, a busy machine).
   */
  function cookieOf(token: string, expiresAt: Date, now = Date.now()): Cookie {
    const cookie = lucia.createSessionCookie(token);
    cookie.attributes.maxAge = Math.max(0, Math.round((expiresAt.getTime() - now) / 1000));
    return cookie;
  }

  async function end(sessionId: string, event?: SessionEvent & { userId: string }): Promise<void> {
    if (!event) {
      await retryOnConflict(() => db.deleteFrom('session').where('id', '=', sessionId).execute());
      return;
    }
    await writeTransaction(db, async (trx) => {
      const ended = await trx.deleteFrom('session').where('id', '=', sessionId).executeTakeFirst();
      if (Number(ended.numDeletedRows) > 0) await recordEvent(trx, event);
    });
  }

  /**
   * Keeps a session within its lifetime from its creation: 90 days for a
   * full one (Lucia slides, but knows no upper bound), 10 minutes for one
   * waiting for its second factor; `null` past it. Called when Lucia has
   * just renewed a session (rare for a full one), and at every request of a
   * waiting one, whose row's expiry another Galera node may have renewed
   * after it was capped here. `createdAt` comes with the row Lucia read.
   */
  async function capLifetime(session: Session): Promise<Session | null> {
    const lifetime = session.secondFactorPending ? waitingSessionLifetimeMs : maxSessionLifetimeMs;
    const cap = new Date(session.createdAt.getTime() + lifetime);
    if (cap.getTime() <= Date.now()) {
      await end(session.id);
      return null;
    }
    if (session.expiresAt <= cap) return session;
    await retryOnConflict(() =>
      db.updateTable('session').set({ expires_at: cap }).where('id', '=', session.id).execute(),
    );
    return { ...session, expiresAt: cap };
  }

  return {
    /**
     * The session and user of the request's cookie. A renewed session gets
     * its cookie again with a new `Max-Age`; an invalid or expired one gets a
     * cookie that deletes it. Under https a cookie still named `auth_session`
     * counts only with a token issued before migration 0004, and is moved to
     * the new name: a newer token can only have got there from a sibling
     * subdomain planting it.
     */
    async validate(c: Context): Promise<{ user: User; session: Session } | typeof none> {
      const current = getCookie(c, lucia.sessionCookieName);
      const legacy = current === undefined && secure ? getCookie(c, legacyCookieName) : undefined;
      const token = current ?? legacy;
      if (token === undefined) return none;
      let found: { user: User; session: Session } | typeof none = none;
      // A value no token can have is no session, without asking the database.
      if (legacyTokenPattern.test(token) || (current !== undefined && tokenPattern.test(token))) {
        // Lucia renews a session in the same request (one UPDATE): two
        // requests of one session at once on two Galera nodes make one of
        // them lose, which runs it again. A waiting session, with less than
        // half of 30 days left, is renewed (and capped again) by each.
        const { user, session } = await retryOnConflict(() =>
          lucia.validateSession(sessionIdOf(token)),
        );
        const kept =
          session && (session.fresh || session.secondFactorPending)
            ? await capLifetime(session)
            : session;
        if (user && kept) found = { user, session: kept };
      }
      if (legacy !== undefined) {
        const { attributes } = lucia.createBlankSessionCookie();
        sendSessionCookie(c, new Cookie(legacyCookieName, '', attributes));
      } else if (!found.session) sendSessionCookie(c, lucia.createBlankSessionCookie());
      if (found.session && (found.session.fresh || legacy !== undefined)) {
        sendSessionCookie(c, cookieOf(token, found.session.expiresAt));
      }
      return found;
    },

    /**
     * A new session for `userId`, made only while `credential` is still
     * stored (`null` once it changed), ending `previous` if given. The user
     * proved who it is now, unless `authenticatedAt` says when it last did.
     */
    async create(
      userId: string,
      credential: CheckedCredential | CredentialCheck,
      options: {
        previous?: Session | null;
        rehashed?: string | undefined;
        authenticatedAt?: Date;
        /** The sign-in this session is, recorded with it (security-events.ts). */
        event?: SessionEvent;
        /** A session that waits for its second factor (`signIn`). */
        waiting?: boolean;
      } = {},
    ): Promise<Cookie | null> {
      const token = generateIdFromEntropySize(32);
      const lifetime = options.waiting ? waitingSessionLifetimeMs : sessionLifetime.milliseconds();
      const now = Date.now();
      const expiresAt = new Date(now + lifetime);
      const made = await createVerifiedSession(db, {
        userId,
        credential,
        sessionId: sessionIdOf(token),
        expiresAt,
        rehashed: options.rehashed,
        authenticatedAt: options.authenticatedAt ?? new Date(),
        event: options.event,
        waiting: options.waiting ?? false,
      });
      if (!made) return null;
      if (options.previous) await end(options.previous.id);
      return cookieOf(token, expiresAt, now);
    },

    /**
     * The session of a sign-in with a password or a provider: one that waits
     * for its second factor when the user has one (`methods` then names
     * them), a full one otherwise; `null` as `create` gives it.
     */
    async signIn(
      userId: string,
      credential: CheckedCredential,
      options: { previous?: Session | null; rehashed?: string | undefined; event?: SessionEvent },
    ): Promise<{ cookie: Cookie; methods: SecondFactorMethod[] } | null> {
      const methods = await secondFactorMethodsOf(db, userId);
      const cookie = await this.create(userId, credential, {
        ...options,
        waiting: methods.length > 0,
      });
      return cookie && { cookie, methods };
    },

    /**
     * Turns a session waiting for its second factor into a full one, once
     * the second factor passed: the waiting row ends and a new session (a
     * new token, `authenticatedAt` now) is made, in one transaction with
     * `event` and with what `during` writes (a recovery code used up);
     * `during` answering `false` undoes it all. `null` when the waiting
     * session has ended meanwhile (used, expired, or ended by a password
     * change) or `during` refused: nothing changed then.
     */
    async completeSecondFactor(
      waiting: Session,
      event: SessionEvent,
      during?: (trx: Kysely<Database>) => Promise<boolean>,
    ): Promise<Cookie | null> {
      const token = generateIdFromEntropySize(32);
      const now = Date.now();
      const expiresAt = new Date(now + sessionLifetime.milliseconds());
      const refused = Symbol('refused');
      try {
        await writeTransaction(db, async (trx) => {
          const ended = await trx
            .deleteFrom('session')
            .where('id', '=', waiting.id)
            .where('second_factor_pending', '=', 1)
            .executeTakeFirst();
          if (Number(ended.numDeletedRows) === 0) throw refused;
          if (during && !(await during(trx))) throw refused;
          await insertSession(trx, {
            sessionId: sessionIdOf(token),
            userId: waiting.userId,
            expiresAt,
            authenticatedAt: new Date(),
            waiting: false,
          });
          await recordEvent(trx, { ...event, userId: waiting.userId });
        });
      } catch (error) {
        if (error === refused) return null;
        throw error;
      }
      return cookieOf(token, expiresAt, now);
    },

    /** Ends a session, recording `event` with it; the cookie that deletes it. */
    async end(sessionId: string, event?: SessionEvent & { userId: string }): Promise<Cookie> {
      await end(sessionId, event);
      return lucia.createBlankSessionCookie();
    },

    /** A cookie that deletes the session cookie. */
    blankCookie: (): Cookie => lucia.createBlankSessionCookie(),

    /** Ends every session of the user but `keptId`, recording `event` with it; how many ended. */
    async endOthers(userId: string, keptId: string, event?: SessionEvent): Promise<number> {
      return writeTransaction(db, async (trx) => {
        const result = await trx
          .deleteFrom('session')
          .where('user_id', '=', userId)
          .where('id', '!=', keptId)
          .executeTakeFirst();
        if (event) await recordEvent(trx, { ...event, userId });
        return Number(result.numDeletedRows);
      });
    },

    /** The user's sessions that have not expired, newest first, by handle. */
    async list(userId: string, currentId: string): Promise<SessionInfo[]> {
      const rows = await db
        .selectFrom('session')
        .select(['id', 'created_at', 'expires_at'])
        .where('user_id', '=', userId)
        .execute();
      const now = Date.now();
      return rows
        .filter((row) => row.expires_at.getTime() > now)
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
        .map((row) => ({
          id: handleOf(row.id),
          createdAt: row.created_at.toISOString(),
          expiresAt: row.expires_at.toISOString(),
          current: row.id === currentId,
        }));
    },

    /** Ends the user's session of that handle: `null` when it has none; the id it ended. */
    async endByHandle(
      userId: string,
      handle: string,
      event?: SessionEvent,
    ): Promise<string | null> {
      const rows = await db
        .selectFrom('session')
        .select('id')
        .where('user_id', '=', userId)
        .execute();
      const target = rows.find((row) => handleOf(row.id) === handle);
      if (!target) return null;
      await end(target.id, event && { ...event, userId });
      return target.id;
    },

    /** Records that the session's user proved who it is at `at` (recent-authentication.ts). */
    async markAuthenticated(sessionId: string, at: Date): Promise<void> {
      await db
        .updateTable('session')
        .set({ authenticated_at: wholeSecondOf(at) })
        .where('id', '=', sessionId)
        .execute();
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

/**
 * Writes a session row only while the password hash the sign-in checked is
 * still stored (`false` once it changed), and ends the user's sessions
 * beyond the newest 50. A password change (accounts.ts) and this both lock
 * the key row first, so one waits for the other: a sign-in that finds the
 * key changed makes no session; one that got there first has its session
 * ended by the change (`endAllSessions`, in the change's transaction).
 */
export async function createVerifiedSession(
  db: Kysely<Database>,
  row: {
    userId: string;
    credential: CheckedCredential | CredentialCheck;
    /** The SHA-256 of the session's token. */
    sessionId: string;
    expiresAt: Date;
    /** A stronger hash of the same password, stored with the session. */
    rehashed?: string | undefined;
    authenticatedAt: Date;
    /** The sign-in, recorded in the same transaction (security-events.ts). */
    event?: SessionEvent | undefined;
    /** Whether it waits for its second factor. */
    waiting?: boolean;
  },
): Promise<boolean> {
  const { userId, credential, sessionId, rehashed } = row;
  return writeTransaction(db, async (trx) => {
    const holds =
      'check' in credential
        ? await credential.check(trx)
        : await lockKey(trx, userId, credential, rehashed);
    if (!holds) return false;
    await insertSession(trx, {
      sessionId,
      userId,
      expiresAt: row.expiresAt,
      authenticatedAt: row.authenticatedAt,
      waiting: row.waiting ?? false,
    });
    if (row.event) await recordEvent(trx, { ...row.event, userId });
    return true;
  });
}

/**
 * Locks the key row a password or provider sign-in checked to the end of
 * the transaction on every dialect, and answers whether it still holds the
 * hash that was checked, storing `rehashed` if so. PostgreSQL and MySQL lock
 * an updated row (the read below then sees the latest committed hash);
 * SQLite's first write takes its write lock. The row changes, so that on a
 * Galera cluster a password change on another node conflicts with this
 * transaction (migration 0006).
 */
async function lockKey(
  trx: Kysely<Database>,
  userId: string,
  credential: CheckedCredential,
  rehashed: string | undefined,
): Promise<boolean> {
  await trx
    .updateTable('key')
    .set((eb) => ({ lock_version: eb('lock_version', '+', 1) }))
    .where('id', '=', credential.keyId)
    .execute();
  const key = await trx
    .selectFrom('key')
    .select('hashed_password')
    .where('id', '=', credential.keyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!key || key.hashed_password !== credential.hashedPassword) return false;
  if (rehashed) {
    await trx
      .updateTable('key')
      .set({ hashed_password: rehashed })
      .where('id', '=', credential.keyId)
      .execute();
  }
  return true;
}

/**
 * `authenticated_at` as it is written: cut to the whole second on every
 * dialect. SQLite and MySQL keep whole seconds, and MySQL 8 rounds a
 * fraction to the nearest one (MariaDB cuts it), which could write a time up
 * to half a second ahead of now: a time `isRecentlyAuthenticated` refuses,
 * so a change asked for right after a sign-in would be refused.
 */
function wholeSecondOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

/** Writes a session row, and ends the user's sessions beyond the newest 50. */
async function insertSession(
  trx: Kysely<Database>,
  row: {
    sessionId: string;
    userId: string;
    expiresAt: Date;
    authenticatedAt: Date;
    waiting: boolean;
  },
): Promise<void> {
  const { sessionId, userId } = row;
  await trx
    .insertInto('session')
    .values({
      id: sessionId,
      user_id: userId,
      expires_at: row.expiresAt,
      authenticated_at: wholeSecondOf(row.authenticatedAt),
      second_factor_pending: row.waiting ? 1 : 0,
    })
    .execute();
  // "Used least recently" is read from expires_at, which Lucia slides on
  // use: no write per request. The new session stays, even among others
  // made in the same second (SQLite and MySQL keep seconds). Read, then
  // deleted by id: MySQL takes no LIMIT in a DELETE's subquery.
  const rows = await trx
    .selectFrom('session')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', '!=', sessionId)
    .orderBy('expires_at', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  const beyond = rows.slice(maxSessionsPerUser - 1).map(({ id }) => id);
  if (beyond.length > 0) await trx.deleteFrom('session').where('id', 'in', beyond).execute();
}

/** Ends every session of a user, inside the caller's transaction (a password change). */
export async function endAllSessions(trx: Kysely<Database>, userId: string): Promise<void> {
  await trx.deleteFrom('session').where('user_id', '=', userId).execute();
}

/** Deletes expired sessions a batch at a time (housekeeping.ts). */
export async function pruneSessions(db: Kysely<Database>, now: number): Promise<void> {
  await deleteInBatches(
    (limit) =>
      db
        .selectFrom('session')
        .select('id')
        .where('expires_at', '<=', new Date(now))
        .limit(limit)
        .execute(),
    (rows) =>
      db
        .deleteFrom('session')
        .where(
          'id',
          'in',
          rows.map(({ id }) => id),
        )
        .execute(),
  );
}
