import type { Database } from '@repo/schema/database';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Cookie, Session } from 'lucia';
import type { Logger } from 'pino';
import type { PublicUser } from './accounts.ts';
import type { Failure } from './auth-service.ts';
import { createAssertionCheck } from './passkey-assertion.ts';
import { listCredentialIds, type StoredPasskey, usePasskey } from './passkeys.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { recordEvent } from './security-events.ts';
import type { CredentialCheck, Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';
import { challengeLifetimeMs, saveChallenge } from './webauthn-challenges.ts';
import { loadWebAuthn } from './webauthn-library.ts';

export interface PasskeySignInOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** `ORIGIN`: the expected origin, and its host the relying party id. */
  origin: string;
  sessions: Sessions;
  limits: ThrottleLimits;
}

/** The assertion a browser's `PublicKeyCredential.toJSON()` gives, as posted. */
export type AssertionInput = { response: { id: string } };

/**
 * Signing in with a passkey (docs/API.md, "Passkeys", "Second factors",
 * "Recent authentication"): with no username, as the second factor of a
 * waiting session, and as a new proof of identity from a full one. Each
 * takes a challenge of its own purpose, is checked by passkey-assertion.ts,
 * moves the passkey's counter in the transaction of what it grants, and
 * counts a failure against the client address like a failed sign-in.
 */
export function createPasskeySignIn(options: PasskeySignInOptions) {
  const { db, origin, sessions } = options;
  const rpID = new URL(origin).hostname;
  const checkAssertion = createAssertionCheck({ db, origin, logger: options.logger });
  const throttle = new Throttle(db, options.limits);
  const audit = options.logger.child({ audit: true });

  function refused(address: string, passkey: StoredPasskey | null, reason: string): Failure {
    audit.warn(
      {
        event: 'passkey_signin_failed',
        clientAddress: address,
        userId: passkey?.userId,
        passkeyId: passkey?.id,
        reason,
      },
      'passkey sign-in refused',
    );
    return { ok: false, reason: 'invalid_credentials' };
  }

  /** Moves the passkey's counter in the session's transaction, while it is still as checked. */
  function usedNow(passkey: StoredPasskey, newCounter: number, now: number): CredentialCheck {
    return {
      check: (trx) =>
        usePasskey(trx, {
          id: passkey.id,
          userId: passkey.userId,
          checkedCounter: passkey.counter,
          newCounter,
          now,
        }),
    };
  }

  return {
    /** `POST /api/signin/passkey/options`: request options for any discoverable credential. */
    async options(): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const { generateAuthenticationOptions } = await loadWebAuthn();
      const request = await generateAuthenticationOptions({
        rpID,
        timeout: challengeLifetimeMs,
        userVerification: 'required',
      });
      await saveChallenge(db, {
        challenge: request.challenge,
        purpose: 'signin',
        userId: null,
        now: Date.now(),
      });
      return request;
    },

    /**
     * `POST /api/2fa/passkey/options`: request options for the session's
     * user's passkeys. For a session waiting for its second factor, user
     * verification is not required (the password was the first factor);
     * from a full session it is a new proof of identity, and is.
     */
    async secondFactorOptions(session: Session): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const waiting = session.secondFactorPending;
      const { generateAuthenticationOptions } = await loadWebAuthn();
      const request = await generateAuthenticationOptions({
        rpID,
        timeout: challengeLifetimeMs,
        userVerification: waiting ? 'preferred' : 'required',
        allowCredentials: await listCredentialIds(db, session.userId),
      });
      await saveChallenge(db, {
        challenge: request.challenge,
        purpose: waiting ? 'second_factor' : 'reauthenticate',
        userId: session.userId,
        now: Date.now(),
      });
      return request;
    },

    /**
     * `POST /api/2fa/passkey`: a passkey of the session's user. A waiting
     * session is replaced by a full one (`completeSecondFactor`, which moves
     * the counter in its transaction); a full one is marked authenticated
     * now (recent authentication), and keeps its cookie (`cookie: null`).
     * Every failure is `invalid_credentials`, counted against the address
     * as a failed sign-in.
     */
    async passSecondFactor(
      { response }: AssertionInput,
      session: Session,
      address: string,
      browser: string | undefined,
    ): Promise<{ ok: true; cookie: Cookie | null } | Failure> {
      const now = Date.now();
      const waiting = session.secondFactorPending;
      const { wait, attempt } = await throttle.beginSignIn(address, null, now);
      if (wait > 0) {
        audit.warn(
          { event: 'passkey_second_factor', clientAddress: address, retryAfter: wait },
          'throttled',
        );
        return { ok: false, reason: 'too_many_attempts', retryAfter: wait };
      }
      const checked = await checkAssertion(response, {
        purpose: waiting ? 'second_factor' : 'reauthenticate',
        userId: session.userId,
        requireUserVerification: !waiting,
        now,
      });
      const origin = { address, browser };
      if (!checked.ok) {
        await recordEvent(db, {
          userId: session.userId,
          ...(waiting
            ? { kind: 'second_factor_failed', detail: { method: 'passkey' } }
            : { kind: 'signin_failed', detail: { method: 'passkey', during: 'reauthenticate' } }),
          origin,
        });
        return refused(address, checked.passkey, checked.reason);
      }
      const { passkey, newCounter } = checked;
      const use = usedNow(passkey, newCounter, now);
      if (waiting) {
        const cookie = await sessions.completeSecondFactor(
          session,
          { kind: 'second_factor_passed', origin, detail: { method: 'passkey' } },
          use.check,
        );
        // The waiting session ended meanwhile, or the passkey changed.
        if (!cookie) return refused(address, passkey, 'session or passkey changed');
        await throttle.passkeySignInSucceeded(attempt);
        audit.info(
          {
            event: 'second_factor_passed',
            method: 'passkey',
            userId: passkey.userId,
            passkeyId: passkey.id,
            clientAddress: address,
          },
          'second factor passed',
        );
        return { ok: true, cookie };
      }
      if (!(await writeTransaction(db, use.check))) {
        return refused(address, passkey, 'passkey changed');
      }
      await sessions.markAuthenticated(session.id, new Date(now));
      await throttle.passkeySignInSucceeded(attempt);
      audit.info(
        {
          event: 'reauthenticated',
          method: 'passkey',
          userId: passkey.userId,
          passkeyId: passkey.id,
          clientAddress: address,
        },
        'reauthenticated with a passkey',
      );
      return { ok: true, cookie: null };
    },

    /**
     * `POST /api/signin/passkey`: a new session for the passkey's user. Every
     * failure is `invalid_credentials`, and counts against the client
     * address as a failed password sign-in does (there is no username to
     * count against); a success takes its count back.
     */
    async signIn(
      { response }: AssertionInput,
      address: string,
      previous: Session | null,
      browser: string | undefined,
    ): Promise<{ ok: true; user: PublicUser; cookie: Cookie } | Failure> {
      const now = Date.now();
      const { wait, attempt } = await throttle.beginSignIn(address, null, now);
      if (wait > 0) {
        audit.warn(
          { event: 'passkey_signin', clientAddress: address, retryAfter: wait },
          'throttled',
        );
        return { ok: false, reason: 'too_many_attempts', retryAfter: wait };
      }
      const checked = await checkAssertion(response, {
        purpose: 'signin',
        userId: null,
        requireUserVerification: true,
        now,
      });
      if (!checked.ok) {
        if (checked.passkey) {
          await recordEvent(db, {
            userId: checked.passkey.userId,
            kind: 'signin_failed',
            origin: { address, browser },
            detail: {
              method: 'passkey',
              ...(checked.counterWentBack ? { reason: 'counter' } : {}),
            },
          });
        }
        return refused(address, checked.passkey, checked.reason);
      }
      const { passkey, newCounter } = checked;
      const cookie = await sessions.create(passkey.userId, usedNow(passkey, newCounter, now), {
        previous,
        event: { kind: 'signin', origin: { address, browser }, detail: { method: 'passkey' } },
      });
      // Removed, or used by another sign-in, since it was read.
      if (!cookie) return refused(address, passkey, 'passkey changed');
      await throttle.passkeySignInSucceeded(attempt);
      const user = await db
        .selectFrom('user')
        .select(['id', 'username'])
        .where('id', '=', passkey.userId)
        .executeTakeFirstOrThrow();
      audit.info(
        {
          event: 'signin',
          method: 'passkey',
          userId: user.id,
          passkeyId: passkey.id,
          clientAddress: address,
        },
        'signed in with a passkey',
      );
      return { ok: true, user, cookie };
    },
  };
}

export type PasskeySignIn = ReturnType<typeof createPasskeySignIn>;
