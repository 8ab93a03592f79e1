import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie, Session, User } from 'lucia';
import type { Logger } from 'pino';
import {
  createAccount,
  findPasswordAccount,
  type PublicUser,
  setFirstPassword,
  setPassword,
} from './accounts.ts';
import type { AppLucia } from './create-lucia.ts';
import { usernamePattern } from './credentials.ts';
import { createPasswordVerifier, needsRehash, type PasswordHasher } from './password-hashing.ts';
import { sessionHandle } from './session-handle.ts';
import { sessionCookie } from './session-lifetime.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';

export interface AuthServiceOptions {
  db: Kysely<Database>;
  lucia: AppLucia;
  /** Receives the audit log: one line per event, never a secret. */
  logger: Logger;
  limits: ThrottleLimits;
  passwords: PasswordHasher;
}

/** An expected failure, for the route to answer in its own way (JSON or page). */
export type Failure =
  | { ok: false; reason: 'username_taken' | 'invalid_credentials' | 'not_found' }
  | { ok: false; reason: 'invalid_input'; fields: Record<string, string> }
  | { ok: false; reason: 'too_many_attempts'; retryAfter: number };

export interface SessionInfo {
  /** An opaque handle, never the token. */
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

/** Who is asking: the signed-in user and session, and the client address. */
export interface Caller {
  user: User;
  session: Session;
  address: string;
}

/**
 * Every flow of docs/API.md, once, for the JSON API and the HTML pages
 * alike. Inputs arrive validated (credentials.ts); expected failures come back
 * as values; cookies come back for the route to set.
 */
export function createAuthService({ db, lucia, logger, limits, passwords }: AuthServiceOptions) {
  const throttle = new Throttle(db, limits);
  const verifyPassword = createPasswordVerifier(passwords);
  const audit = logger.child({ audit: true });

  function throttled(event: string, address: string, retryAfter: number): Failure {
    audit.warn({ event, clientAddress: address, retryAfter }, 'throttled');
    return { ok: false, reason: 'too_many_attempts', retryAfter };
  }

  /** A new session for `userId`, replacing the caller's previous one if any. */
  async function startSession(userId: string, previous: Session | null): Promise<Cookie> {
    if (previous) await lucia.invalidateSession(previous.id);
    return sessionCookie(lucia, await lucia.createSession(userId, {}));
  }

  /**
   * Checks a password with throttling: refused without hashing while the
   * address or the username is throttled; a failure is counted for both.
   */
  async function checkPassword(username: string, password: string, address: string) {
    const now = Date.now();
    const throttledName = usernamePattern.test(username) ? username : null;
    // Counted as a failure from here on (the attempts of a burst see each
    // other); a right password takes it back.
    const { wait, attempt } = await throttle.beginSignIn(address, throttledName, now);
    if (wait > 0) return { ok: false as const, wait };
    const account = await findPasswordAccount(db, username);
    const hashed = account?.hashedPassword ?? null;
    // Verified whether or not the account exists: the same cost and answer.
    const valid = await verifyPassword(hashed, password);
    if (!account || !valid) {
      return { ok: false as const, wait: 0, userId: account?.user.id ?? null };
    }
    await throttle.signInSucceeded(attempt, username);
    if (hashed && needsRehash(hashed)) {
      await setPassword(db, account.user.id, await passwords.hash(password));
    }
    return { ok: true as const, user: account.user };
  }

  /** A first password for a user who has none; every session ends, as at a change. */
  async function setFirst(
    { user, address }: Pick<Caller, 'user' | 'address'>,
    newPassword: string,
  ): Promise<{ ok: true; cookie: Cookie } | Failure> {
    const refused: Failure = {
      ok: false,
      reason: 'invalid_input',
      fields: { currentPassword: 'Enter your current password.' },
    };
    // Known before hashing: a user with a password gets no free hash.
    if (await findPasswordAccount(db, user.username)) return refused;
    const hashed = await passwords.hash(newPassword);
    if (!(await setFirstPassword(db, { id: user.id, username: user.username }, hashed))) {
      return refused;
    }
    audit.info(
      { event: 'password_set', userId: user.id, clientAddress: address },
      'first password set',
    );
    return { ok: true, cookie: await startSession(user.id, null) };
  }

  return {
    startSession,

    async signUp(
      input: { username: string; password: string },
      address: string,
      previous: Session | null,
    ): Promise<{ ok: true; user: PublicUser; cookie: Cookie } | Failure> {
      const now = Date.now();
      // Counted as an account from here on, until the username proves taken.
      const { wait, attempt } = await throttle.beginSignUp(address, now);
      if (wait > 0) return throttled('signup_throttled', address, wait);
      const user = await createAccount(db, {
        username: input.username,
        hashedPassword: await passwords.hash(input.password),
      });
      if (!user) {
        await throttle.signUpFailed(attempt);
        return { ok: false, reason: 'username_taken' };
      }
      audit.info({ event: 'signup', userId: user.id, clientAddress: address }, 'account created');
      return { ok: true, user, cookie: await startSession(user.id, previous) };
    },

    async signIn(
      input: { username: string; password: string },
      address: string,
      previous: Session | null,
    ): Promise<{ ok: true; user: PublicUser; cookie: Cookie } | Failure> {
      const result = await checkPassword(input.username.toLowerCase(), input.password, address);
      if (!result.ok && result.wait > 0) return throttled('signin_throttled', address, result.wait);
      if (!result.ok) {
        audit.info(
          { event: 'signin_failed', userId: result.userId ?? null, clientAddress: address },
          'sign-in failed',
        );
        return { ok: false, reason: 'invalid_credentials' };
      }
      audit.info({ event: 'signin', userId: result.user.id, clientAddress: address }, 'signed in');
      return { ok: true, user: result.user, cookie: await startSession(result.user.id, previous) };
    },

    async signOut({ user, session, address }: Caller): Promise<Cookie> {
      await lucia.invalidateSession(session.id);
      audit.info({ event: 'signout', userId: user.id, clientAddress: address }, 'signed out');
      return lucia.createBlankSessionCookie();
    },

    /**
     * Every session of the user ends, the caller's too; the caller goes on
     * with a new one. Without `currentPassword`, a user who has no password
     * sets its first; one who has a password gets `invalid_input`.
     */
    async changePassword(
      { user, address }: Caller,
      input: { currentPassword?: string | undefined; newPassword: string },
    ): Promise<{ ok: true; cookie: Cookie } | Failure> {
      if (input.currentPassword === undefined)
        return setFirst({ user, address }, input.newPassword);
      const result = await checkPassword(user.username, input.currentPassword, address);
      if (!result.ok && result.wait > 0)
        return throttled('password_throttled', address, result.wait);
      if (!result.ok) {
        audit.info(
          { event: 'password_change_failed', userId: user.id, clientAddress: address },
          'wrong current password',
        );
        return { ok: false, reason: 'invalid_credentials' };
      }
      await setPassword(db, user.id, await passwords.hash(input.newPassword), {
        endSessions: true,
      });
      audit.info(
        { event: 'password_changed', userId: user.id, clientAddress: address },
        'password changed',
      );
      return { ok: true, cookie: await startSession(user.id, null) };
    },

    async listSessions({ user, session }: Caller): Promise<SessionInfo[]> {
      const rows = await db
        .selectFrom('session')
        .select(['id', 'created_at', 'expires_at'])
        .where('user_id', '=', user.id)
        .execute();
      const now = Date.now();
      return rows
        .filter((row) => row.expires_at.getTime() > now)
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
        .map((row) => ({
          id: sessionHandle(row.id),
          createdAt: row.created_at.toISOString(),
          expiresAt: row.expires_at.toISOString(),
          current: row.id === session.id,
        }));
    },

    /** Ends one of the caller's sessions by its handle; a blank cookie when it was the caller's own. */
    async revokeSession(
      { user, session, address }: Caller,
      handle: string,
    ): Promise<{ ok: true; cookie: Cookie | null } | Failure> {
      const rows = await db
        .selectFrom('session')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      const target = rows.find((row) => sessionHandle(row.id) === handle);
      if (!target) return { ok: false, reason: 'not_found' };
      await lucia.invalidateSession(target.id);
      audit.info(
        { event: 'session_revoked', userId: user.id, clientAddress: address, session: handle },
        'session revoked',
      );
      return {
        ok: true,
        cookie: target.id === session.id ? lucia.createBlankSessionCookie() : null,
      };
    },

    /** Ends every session of the caller but the current one. */
    async revokeOtherSessions({ user, session, address }: Caller): Promise<number> {
      const result = await db
        .deleteFrom('session')
        .where('user_id', '=', user.id)
        .where('id', '!=', session.id)
        .executeTakeFirst();
      const count = Number(result.numDeletedRows);
      audit.info(
        { event: 'sessions_revoked', userId: user.id, clientAddress: address, count },
        'other sessions revoked',
      );
      return count;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
