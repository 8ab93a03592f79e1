import type { Database } from '@repo/schema/database';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';
import type { Kysely } from 'kysely';
import type { Cookie, Session } from 'lucia';
import type { Logger } from 'pino';
import type { PublicUser } from './accounts.ts';
import type { Caller, Failure } from './auth-service.ts';
import type { Mailer } from './mail-delivery.ts';
import {
  addPasskey,
  findPasskey,
  listCredentialIds,
  listPasskeys,
  type PasskeyInfo,
  removePasskey,
  saveChallenge,
  takeChallenge,
  usePasskey,
} from './passkeys.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { recordEvent } from './security-events.ts';
import type { Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';

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

/** The user handle the app gives an authenticator: the user's id, which names no person. */
function userHandleOf(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

/**
 * Passkeys (docs/API.md, "Passkeys"): registration, listing, removal and
 * sign-in without a username. `@simplewebauthn/server` does WebAuthn; this
 * keeps the challenges (passkeys.ts), checks the signature counter after a
 * verified signature, and makes the session through sessions.ts.
 */
export function createPasskeyService(options: PasskeyServiceOptions) {
  const { db, origin, sessions } = options;
  const rpID = new URL(origin).hostname;
  const throttle = new Throttle(db, options.limits);
  const audit = options.logger.child({ audit: true });
  const mailer = options.mailer ?? null;

  function refused(event: string, fields: Record<string, unknown>): Failure {
    audit.warn({ event, ...fields }, 'passkey sign-in refused');
    return { ok: false, reason: 'invalid_credentials' };
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
      const passkey = await findPasskey(db, response.id);
      if (!passkey)
        return refused('passkey_signin_failed', {
          clientAddress: address,
          reason: 'unknown credential',
        });
      const fields = { clientAddress: address, userId: passkey.userId, passkeyId: passkey.id };
      const assertion = response as AuthenticationResponseJSON;
      const handle = assertion.response?.userHandle;
      if (handle !== undefined && handle !== userHandleOf(passkey.userId)) {
        return refused('passkey_signin_failed', { ...fields, reason: 'user handle' });
      }
      let newCounter: number;
      try {
        // The stored counter is checked below, after the signature: the
        // library checks it before, and a forged assertion must not be
        // logged as a cloned authenticator.
        const verified = await verifyAuthenticationResponse({
          response: assertion,
          expectedChallenge: (challenge) =>
            takeChallenge(db, { challenge, purpose: 'signin', userId: null, now }),
          expectedOrigin: origin,
          expectedRPID: rpID,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
            counter: 0,
            transports: passkey.transports,
          },
          requireUserVerification: true,
        });
        if (!verified.verified) throw new Error('signature does not verify');
        newCounter = verified.authenticationInfo.newCounter;
      } catch (error) {
        await recordEvent(db, {
          userId: passkey.userId,
          kind: 'signin_failed',
          origin: { address, browser },
          detail: { method: 'passkey' },
        });
        return refused('passkey_signin_failed', { ...fields, reason: messageOf(error) });
      }
      if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
        // A signed assertion with a counter that went back: the authenticator
        // may have been cloned. Named by its credential id (public), never a secret.
        options.logger.warn(
          {
            ...fields,
            credentialId: passkey.credentialId,
            storedCounter: passkey.counter,
            newCounter,
          },
          'passkey signature counter went back: sign-in refused',
        );
        await recordEvent(db, {
          userId: passkey.userId,
          kind: 'signin_failed',
          origin: { address, browser },
          detail: { method: 'passkey', reason: 'counter' },
        });
        return refused('passkey_signin_failed', { ...fields, reason: 'counter went back' });
      }
      const cookie = await sessions.create(
        passkey.userId,
        {
          check: (trx) =>
            usePasskey(trx, {
              id: passkey.id,
              userId: passkey.userId,
              checkedCounter: passkey.counter,
              newCounter,
              now,
            }),
        },
        {
          previous,
          event: { kind: 'signin', origin: { address, browser }, detail: { method: 'passkey' } },
        },
      );
      // Removed, or used by another sign-in, since it was read.
      if (!cookie)
        return refused('passkey_signin_failed', { ...fields, reason: 'passkey changed' });
      await throttle.passkeySignInSucceeded(attempt);
      const user = await db
        .selectFrom('user')
        .select(['id', 'username'])
        .where('id', '=', passkey.userId)
        .executeTakeFirstOrThrow();
      audit.info({ event: 'signin', method: 'passkey', ...fields }, 'signed in with a passkey');
      return { ok: true, user, cookie };
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;

/**
 * A library error's message for the log, with every quoted value blanked:
 * the library quotes the challenge it was given, and no challenge is logged.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  return error.message.replace(/"[^"]*"/g, '"…"').slice(0, 200);
}
