import type { Database } from '@repo/schema/database';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';
import type { Kysely } from 'kysely';
import type { Cookie, Session } from 'lucia';
import type { Logger } from 'pino';
import type { PublicUser } from './accounts.ts';
import type { Caller, Failure } from './auth-service.ts';
import type { Mailer } from './mail-delivery.ts';
import { createAssertionCheck, messageOf } from './passkey-assertion.ts';
import {
  addPasskey,
  listCredentialIds,
  listPasskeys,
  type PasskeyInfo,
  removePasskey,
  type StoredPasskey,
  usePasskey,
} from './passkeys.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { recordEvent } from './security-events.ts';
import type { CredentialCheck, Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';
import { saveChallenge, takeChallenge } from './webauthn-challenges.ts';

export interface PasskeyServiceOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** `ORIGIN`: the expected origin, and its host the relying party id. */
  origin: string;
  sessions: Sessions;
  limits: ThrottleLimits;
  /** Nudged after a notice is queued; `null` when mail is not set up. */
  mailer?: Mailer | null;
}

/** The registration response a browser's `PublicKeyCredential.toJSON()` gives, as posted. */
export type RegistrationInput = { name: string; response: { id: string } };
/** The assertion a browser's `PublicKeyCredential.toJSON()` gives, as posted. */
export type AssertionInput = { response: { id: string } };

/**
 * The key algorithms a passkey may use: the library's defaults without the
 * post-quantum one, whose run-time probe makes Node print an experimental
 * warning.
 */
const supportedAlgorithmIDs = [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

/** How long a browser may take over a ceremony: the challenge's own 5 minutes. */
const ceremonyTimeoutMs = 5 * 60 * 1000;

/**
 * Passkeys (docs/API.md, "Passkeys"): registration, listing, removal and
 * sign-in without a username. `@simplewebauthn/server` does WebAuthn; this
 * keeps the challenges (passkeys.ts), checks the signature counter after a
 * verified signature, and makes the session through sessions.ts.
 */
export function createPasskeyService(options: PasskeyServiceOptions) {
  const { db, origin, sessions } = options;
  const rpID = new URL(origin).hostname;
  const checkAssertion = createAssertionCheck({ db, origin, logger: options.logger });
  const throttle = new Throttle(db, options.limits);
  const audit = options.logger.child({ audit: true });
  const mailer = options.mailer ?? null;

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
    /** `POST /api/passkeys/options`: creation options for the caller; needs recent authentication. */
    async registrationOptions(
      caller: Caller,
    ): Promise<{ ok: true; options: PublicKeyCredentialCreationOptionsJSON } | Failure> {
      const now = Date.now();
      if (!isRecentlyAuthenticated(caller.session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const registered = await listCredentialIds(db, caller.user.id);
      const creation = await generateRegistrationOptions({
        rpName: rpID,
        rpID,
        userName: caller.user.username,
        userID: new Uint8Array(Buffer.from(caller.user.id, 'utf8')),
        timeout: ceremonyTimeoutMs,
        attestationType: 'none',
        supportedAlgorithmIDs,
        excludeCredentials: registered,
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      await saveChallenge(db, {
        challenge: creation.challenge,
        purpose: 'registration',
        userId: caller.user.id,
        now,
      });
      return { ok: true, options: creation };
    },

    /**
     * `POST /api/passkeys`: verifies the authenticator's registration
     * response against a challenge handed to the caller, and keeps the
     * credential under `name`. A response that does not verify, and a
     * credential registered already (to anyone), are `invalid_input`.
     */
    async register(
      caller: Caller,
      { name, response }: RegistrationInput,
    ): Promise<{ ok: true; passkey: PasskeyInfo } | Failure> {
      const now = Date.now();
      const { user, session } = caller;
      if (!isRecentlyAuthenticated(session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const unusable: Failure = {
        ok: false,
        reason: 'invalid_input',
        fields: { response: 'The passkey could not be verified. Try again.' },
      };
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON,
          expectedChallenge: (challenge) =>
            takeChallenge(db, { challenge, purpose: 'registration', userId: user.id, now }),
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: true,
          supportedAlgorithmIDs,
        });
      } catch (error) {
        audit.warn(
          { event: 'passkey_registration_refused', userId: user.id, reason: messageOf(error) },
          'passkey registration refused',
        );
        return unusable;
      }
      if (!verified.verified) return unusable;
      const { credential } = verified.registrationInfo;
      const passkey = await addPasskey(db, {
        userId: user.id,
        name,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
        now,
        origin: { address: caller.address, browser: caller.browser },
      });
      if (!passkey) {
        return {
          ok: false,
          reason: 'invalid_input',
          fields: { response: 'This passkey is registered already.' },
        };
      }
      mailer?.nudge();
      audit.info(
        {
          event: 'passkey_added',
          userId: user.id,
          passkeyId: passkey.id,
          clientAddress: caller.address,
        },
        'passkey added',
      );
      return { ok: true, passkey };
    },

    list: (userId: string): Promise<PasskeyInfo[]> => listPasskeys(db, userId),

    /** `DELETE /api/passkeys/:id`: needs recent authentication, and another way to sign in. */
    async remove(
      caller: Caller,
      id: string,
    ): Promise<
      | { ok: true }
      | { ok: false; reason: 'not_found' | 'last_sign_in_method' | 'reauthentication_required' }
    > {
      const now = Date.now();
      if (!isRecentlyAuthenticated(caller.session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const result = await removePasskey(db, {
        userId: caller.user.id,
        id,
        now,
        origin: { address: caller.address, browser: caller.browser },
      });
      if (result !== 'removed') return { ok: false, reason: result };
      mailer?.nudge();
      audit.info(
        {
          event: 'passkey_removed',
          userId: caller.user.id,
          passkeyId: id,
          clientAddress: caller.address,
        },
        'passkey removed',
      );
      return { ok: true };
    },

    /** `POST /api/signin/passkey/options`: request options for any discoverable credential. */
    async signInOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const request = await generateAuthenticationOptions({
        rpID,
        timeout: ceremonyTimeoutMs,
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
      const request = await generateAuthenticationOptions({
        rpID,
        timeout: ceremonyTimeoutMs,
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

export type PasskeyService = ReturnType<typeof createPasskeyService>;
