import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie, Session, User } from 'lucia';
import type { Logger } from 'pino';
import {
  createAccount,
  findPasswordAccount,
  isUsernameTaken,
  type PublicUser,
  passwordKeyId,
  replacePassword,
  setFirstPassword,
} from './accounts.ts';
import { normalizeUsername } from './credentials.ts';
import { queueNotice } from './email-addresses.ts';
import type { Mailer } from './mail-delivery.ts';
import { createPasswordVerifier, needsRehash, type PasswordHasher } from './password-hashing.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import type { SecondFactorMethod } from './second-factor-methods.ts';
import { type EventOrigin, recordEvent, recordFailedSignIn } from './security-events.ts';
import type { SessionInfo, Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';

export interface AuthServiceOptions {
  db: Kysely<Database>;
  /** The one module that makes, checks and ends sessions (sessions.ts). */
  sessions: Sessions;
  /** Receives the audit log: one line per event, never a secret. */
  logger: Logger;
  limits: ThrottleLimits;
  passwords: PasswordHasher;
  /** Sends the notices of a change; `null` when mail is not set up. */
  mailer?: Mailer | null;
}

/** An expected failure, for the route to answer in its own way (JSON or page). */
export type Failure =
  | {
      ok: false;
      reason: 'username_taken' | 'invalid_credentials' | 'not_found' | 'reauthentication_required';
    }
  | { ok: false; reason: 'invalid_input'; fields: Record<string, string> }
  | { ok: false; reason: 'too_many_attempts'; retryAfter: number }
  | { ok: false; reason: 'invalid_code' };

/** Who is asking: the signed-in user and session, and the client address. */
export interface Caller {
  user: User;
  session: Session;
  address: string;
  /** The request's `User-Agent`, named by the notice of a change. */
  browser?: string | undefined;
}

/**
 * Every flow of docs/API.md, once, for the JSON API and the HTML pages
 * alike. Inputs arrive validated (credentials.ts); expected failures come back
 * as values; session cookies come back, made by the sessions module, for the
 * route to send (`sendSessionCookie`).
 */
export function createAuthService({
  db,
  sessions,
  logger,
  limits,
  passwords,
  mailer = null,
}: AuthServiceOptions) {
  const throttle = new Throttle(db, limits);

  /**
   * What a password change writes in its transaction besides the password:
   * its security event, and its notice when mail is set up.
   */
  function passwordChanged({ user, address, browser }: Caller, detail = {}) {
    const payload = { at: Date.now(), clientAddress: address, browser: browser?.slice(0, 200) };
    return async (trx: Kysely<Database>) => {
      await recordEvent(trx, {
        userId: user.id,
        kind: 'password_changed',
        origin: { address, browser },
        detail,
        at: payload.at,
      });
      if (mailer) await queueNotice(trx, user.id, 'password_changed', payload);
    };
  }
  /**
   * A wrong password from a signed-in caller (confirming who it is, or
   * changing the password) is a failed sign-in of its account too: the
   * owner sees someone holding the session guess.
   */
  function recordWrongPassword({ user, address, browser }: Caller, during: string) {
    return recordEvent(db, {
      userId: user.id,
      kind: 'signin_failed',
      origin: { address, browser },
      detail: { method: 'password', during },
    });
  }
  const verifyPassword = createPasswordVerifier(passwords);
  const audit = logger.child({ audit: true });

  function throttled(event: string, address: string, retryAfter: number): Failure {
    audit.warn({ event, clientAddress: address, retryAfter }, 'throttled');
    return { ok: false, reason: 'too_many_attempts', retryAfter };
  }

  /**
   * Checks a password with throttling: refused without hashing while the
   * address or the username is throttled; counted as a failure for both from
   * the start, until the caller calls `succeeded`. A name outside the policy
   * never reaches an account (a database may pad or fold it into one), and
   * costs one verification like any unknown name: `username` is the stored
   * form (`normalizeUsername`), `null` for a name no account can have.
   */
  async function checkPassword(username: string | null, password: string, address: string) {
    const now = Date.now();
    // Counted as a failure from here on (the attempts of a burst see each
    // other); a right password takes it back.
    const { wait, attempt } = await throttle.beginSignIn(address, username, now);
    if (wait > 0) return { ok: false as const, wait };
    const account = username ? await findPasswordAccount(db, username) : null;
    const hashed = account?.hashedPassword ?? null;
    // Verified whether or not the account exists: the same cost and answer.
    const valid = await verifyPassword(hashed, password);
    if (!account || !hashed || !valid) {
      return { ok: false as const, wait: 0, userId: account?.user.id ?? null };
    }
    return {
      ok: true as const,
      user: account.user,
      credential: { keyId: passwordKeyId(account.user.username), hashedPassword: hashed },
      succeeded: () => throttle.signInSucceeded(attempt, account.user.username),
    };
  }

  /**
   * A first password for a user who has none; every session ends, as at a
   * change. Needs recent authentication: a password of a thief's would
   * outlast the stolen cookie it was set with.
   */
  async function setFirst(
    caller: Caller,
    newPassword: string,
  ): Promise<{ ok: true; cookie: Cookie } | Failure> {
    const { user, session, address } = caller;
    const refused: Failure = {
      ok: false,
      reason: 'invalid_input',
      fields: { currentPassword: 'Enter your current password.' },
    };
    // Known before hashing: a user with a password gets no free hash.
    if (await findPasswordAccount(db, user.username)) return refused;
    if (!isRecentlyAuthenticated(session.authenticatedAt, Date.now())) {
      return { ok: false, reason: 'reauthentication_required' };
    }
    const hashedPassword = await passwords.hash(newPassword);
    const named = { id: user.id, username: user.username };
    if (
      !(await setFirstPassword(db, named, hashedPassword, passwordChanged(caller, { first: true })))
    ) {
      return refused;
    }
    mailer?.nudge();
    audit.info(
      { event: 'password_set', userId: user.id, clientAddress: address },
      'first password set',
    );
    const credential = { keyId: passwordKeyId(user.username), hashedPassword };
    // Setting a password proves nothing new: the last proof carries over.
    const cookie = await sessions.create(user.id, credential, {
      authenticatedAt: session.authenticatedAt,
    });
    return { ok: true, cookie: cookie ?? sessions.blankCookie() };
  }

  return {
    async signUp(
      input: { username: string; password: string },
      address: string,
      previous: Session | null,
      /** The request's `User-Agent`, for the account's activity. */
      browser?: string,
    ): Promise<{ ok: true; user: PublicUser; cookie: Cookie | null } | Failure> {
      // An attempt counts from here on, an account made and a name refused
      // as taken alike (docs/API.md).
      const { wait } = await throttle.beginSignUp(address, Date.now());
      if (wait > 0) return throttled('signup_throttled', address, wait);
      // A taken name costs no hash; a name taken a moment later fails at the insert.
      if (await isUsernameTaken(db, input.username)) return { ok: false, reason: 'username_taken' };
      const hashedPassword = await passwords.hash(input.password);
      const origin = { address, browser };
      const user = await createAccount(
        db,
        { username: input.username, hashedPassword },
        (trx, made) =>
          recordEvent(trx, {
            userId: made.id,
            kind: 'signup',
            origin,
            detail: { method: 'password' },
          }),
      );
      if (!user) return { ok: false, reason: 'username_taken' };
      audit.info({ event: 'signup', userId: user.id, clientAddress: address }, 'account created');
      const credential = { keyId: passwordKeyId(user.username), hashedPassword };
      // No session only if the password changed in the moment since: the
      // account is made, and its owner signs in with the new password.
      const cookie = await sessions.create(user.id, credential, { previous });
      return { ok: true, user, cookie };
    },

    async signIn(
      input: { username: string; password: string },
      address: string,
      previous: Session | null,
      /** The request's `User-Agent`, for the account's activity. */
      browser?: string,
    ): Promise<
      | {
          ok: true;
          user: PublicUser;
          cookie: Cookie;
          /** The second factors the new session waits for; empty: a full session. */
          methods: SecondFactorMethod[];
        }
      | Failure
    > {
      const { password } = input;
      const username = normalizeUsername(input.username);
      const origin: EventOrigin = { address, browser };
      const result = await checkPassword(username, password, address);
      if (!result.ok && result.wait > 0) return throttled('signin_throttled', address, result.wait);
      const failed = async (userId: string | null): Promise<Failure> => {
        // The same statement whether or not the name is an account's (a
        // name outside the policy looks up a key no account can have), so
        // that recording it tells no one which names exist.
        await recordFailedSignIn(db, {
          keyId: passwordKeyId(username ?? ''),
          origin,
          detail: { method: 'password' },
        });
        audit.info({ event: 'signin_failed', userId, clientAddress: address }, 'sign-in failed');
        return { ok: false, reason: 'invalid_credentials' };
      };
      if (!result.ok) return failed(result.userId ?? null);
      const { user, credential } = result;
      const rehashed = needsRehash(credential.hashedPassword)
        ? await passwords.hash(password)
        : undefined;
      const made = await sessions.signIn(user.id, credential, {
        previous,
        rehashed,
        event: { kind: 'signin', origin, detail: { method: 'password' } },
      });
      // The password changed while it was being checked: it is wrong now.
      if (!made) return failed(user.id);
      await result.succeeded();
      audit.info(
        {
          event: 'signin',
          userId: user.id,
          clientAddress: address,
          waiting: made.methods.length > 0,
        },
        'signed in',
      );
      return { ok: true, user, cookie: made.cookie, methods: made.methods };
    },

    async signOut({ user, session, address, browser }: Caller): Promise<Cookie> {
      const cookie = await sessions.end(session.id, {
        userId: user.id,
        kind: 'signout',
        origin: { address, browser },
      });
      audit.info({ event: 'signout', userId: user.id, clientAddress: address }, 'signed out');
      return cookie;
    },

    /**
     * Every session of the user ends, the caller's too; the caller goes on
     * with a new one. Without `currentPassword`, a user who has no password
     * sets its first; one who has a password gets `invalid_input`.
     */
    async changePassword(
      caller: Caller,
      input: { currentPassword?: string | undefined; newPassword: string },
    ): Promise<{ ok: true; cookie: Cookie } | Failure> {
      const { user, address } = caller;
      if (input.currentPassword === undefined) return setFirst(caller, input.newPassword);
      const result = await checkPassword(user.username, input.currentPassword, address);
      if (!result.ok && result.wait > 0)
        return throttled('password_throttled', address, result.wait);
      if (!result.ok) {
        await recordWrongPassword(caller, 'password_change');
        audit.info(
          { event: 'password_change_failed', userId: user.id, clientAddress: address },
          'wrong current password',
        );
        return { ok: false, reason: 'invalid_credentials' };
      }
      const hashedPassword = await passwords.hash(input.newPassword);
      const changed = passwordChanged(caller);
      if (!(await replacePassword(db, user.id, result.credential, hashedPassword, changed))) {
        // Another change came first: this current password is not current any more.
        audit.info(
          { event: 'password_change_failed', userId: user.id, clientAddress: address },
          'current password changed meanwhile',
        );
        return { ok: false, reason: 'invalid_credentials' };
      }
      await result.succeeded();
      mailer?.nudge();
      audit.info(
        { event: 'password_changed', userId: user.id, clientAddress: address },
        'password changed',
      );
      const credential = { keyId: result.credential.keyId, hashedPassword };
      const cookie = await sessions.create(user.id, credential);
      // Without a session (the password changed again in the moment since),
      // the caller's cookie, whose session has ended, is deleted.
      return { ok: true, cookie: cookie ?? sessions.blankCookie() };
    },

    /**
     * `POST /api/reauthenticate`: the password again, checked and throttled
     * like a sign-in's, makes the session's proof of identity recent. A user
     * with no password proves it through its provider instead.
     */
    async reauthenticate(caller: Caller, password: string) {
      const { user, session, address } = caller;
      const result = await checkPassword(user.username, password, address);
      if (!result.ok && result.wait > 0) return throttled('reauth_throttled', address, result.wait);
      if (!result.ok || result.user.id !== user.id) {
        await recordWrongPassword(caller, 'reauthenticate');
        audit.info(
          { event: 'reauthentication_failed', userId: user.id, clientAddress: address },
          'wrong password to confirm identity',
        );
        return { ok: false, reason: 'invalid_credentials' } satisfies Failure;
      }
      await result.succeeded();
      await sessions.markAuthenticated(session.id, new Date());
      audit.info(
        { event: 'reauthenticated', userId: user.id, clientAddress: address, method: 'password' },
        'identity confirmed',
      );
      return { ok: true } as const;
    },

    listSessions({ user, session }: Caller): Promise<SessionInfo[]> {
      return sessions.list(user.id, session.id);
    },

    /** Ends one of the caller's sessions by its handle; a blank cookie when it was the caller's own. */
    async revokeSession(
      { user, session, address, browser }: Caller,
      handle: string,
    ): Promise<{ ok: true; cookie: Cookie | null } | Failure> {
      const ended = await sessions.endByHandle(user.id, handle, {
        kind: 'session_revoked',
        origin: { address, browser },
        detail: { session: handle },
      });
      if (!ended) return { ok: false, reason: 'not_found' };
      audit.info(
        { event: 'session_revoked', userId: user.id, clientAddress: address, session: handle },
        'session revoked',
      );
      return { ok: true, cookie: ended === session.id ? sessions.blankCookie() : null };
    },

    /** Ends every session of the caller but the current one. */
    async revokeOtherSessions({ user, session, address, browser }: Caller): Promise<number> {
      const count = await sessions.endOthers(user.id, session.id, {
        kind: 'signout_everywhere',
        origin: { address, browser },
      });
      audit.info(
        { event: 'sessions_revoked', userId: user.id, clientAddress: address, count },
        'other sessions revoked',
      );
      return count;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
