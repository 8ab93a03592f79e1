import type { Database } from '@repo/schema/database';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Caller, Failure } from './auth-service.ts';
import type { Mailer } from './mail-delivery.ts';
import { messageOf } from './passkey-assertion.ts';
import {
  addPasskey,
  listCredentialIds,
  listPasskeys,
  type PasskeyInfo,
  removePasskey,
} from './passkeys.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { challengeLifetimeMs, saveChallenge, takeChallenge } from './webauthn-challenges.ts';
import { loadWebAuthn } from './webauthn-library.ts';

export interface PasskeyServiceOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** `ORIGIN`: the expected origin, and its host the relying party id. */
  origin: string;
  /** Nudged after a notice is queued; `null` when mail is not set up. */
  mailer?: Mailer | null;
}

/** The registration response a browser's `PublicKeyCredential.toJSON()` gives, as posted. */
export type RegistrationInput = { name: string; response: { id: string } };

/**
 * The key algorithms a passkey may use: the library's defaults without the
 * post-quantum one, whose run-time probe makes Node print an experimental
 * warning. COSE ids (IANA) for EdDSA, ES256 and RS256, the values of the
 * library's `COSEALG`, written out so that nothing loads the library at
 * start (webauthn-library.ts).
 */
const supportedAlgorithmIDs = [-8, -7, -257];

/**
 * A user's passkeys (docs/API.md, "Passkeys"): registration, listing and
 * removal, each change with its event and notice. `@simplewebauthn/server`
 * checks the registration; signing in with a passkey is
 * passkey-sign-in.ts's.
 */
export function createPasskeyService(options: PasskeyServiceOptions) {
  const { db, origin } = options;
  const rpID = new URL(origin).hostname;
  const audit = options.logger.child({ audit: true });
  const mailer = options.mailer ?? null;

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
      const { generateRegistrationOptions } = await loadWebAuthn();
      const creation = await generateRegistrationOptions({
        rpName: rpID,
        rpID,
        userName: caller.user.username,
        userID: new Uint8Array(Buffer.from(caller.user.id, 'utf8')),
        timeout: challengeLifetimeMs,
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
      const { verifyRegistrationResponse } = await loadWebAuthn();
      let verified: VerifiedRegistrationResponse;
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
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
