import type { Database } from '@repo/schema/database';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { findPasskey, type StoredPasskey } from './passkeys.ts';
import { type ChallengePurpose, takeChallenge } from './webauthn-challenges.ts';
import { loadWebAuthn } from './webauthn-library.ts';

/** What a checked assertion gives: the passkey and its new counter, or why not. */
export type AssertionResult =
  | { ok: true; passkey: StoredPasskey; newCounter: number }
  | {
      ok: false;
      /** The passkey the response named, when it is one of the app's. */
      passkey: StoredPasskey | null;
      /** For the log: never a challenge or a signature. */
      reason: string;
      /** A verified signature whose counter did not grow. */
      counterWentBack?: boolean;
    };

export interface AssertionCheck {
  /** The flow the challenge must have been given for. */
  purpose: ChallengePurpose;
  /** Whose challenge and passkey it must be; `null` for a sign-in (anyone's). */
  userId: string | null;
  requireUserVerification: boolean;
  now: number;
}

/** The user handle the app gives an authenticator: the user's id, which names no person. */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

/**
 * A library error's message for the log, with every quoted value blanked:
 * the library quotes the challenge it was given, and no challenge is logged.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  return error.message.replace(/"[^"]*"/g, '"…"').slice(0, 200);
}

/**
 * Checks an assertion (`PublicKeyCredential.toJSON()` of a `get()`) against
 * the stored passkey it names and a challenge of `check.purpose`, with
 * `@simplewebauthn/server`: origin `ORIGIN`, RP id its host. The stored
 * counter is compared here, after the signature: the library compares it
 * before, and a forged assertion must not be logged as a cloned
 * authenticator. Nothing is written but the challenge taken.
 */
export function createAssertionCheck({
  db,
  origin,
  logger,
}: {
  db: Kysely<Database>;
  origin: string;
  logger: Logger;
}) {
  const rpID = new URL(origin).hostname;
  return async function checkAssertion(
    response: { id: string },
    check: AssertionCheck,
  ): Promise<AssertionResult> {
    const passkey = await findPasskey(db, response.id);
    if (!passkey) return { ok: false, passkey: null, reason: 'unknown credential' };
    if (check.userId !== null && passkey.userId !== check.userId) {
      return { ok: false, passkey: null, reason: "another user's passkey" };
    }
    const assertion = response as AuthenticationResponseJSON;
    const handle = assertion.response?.userHandle;
    if (handle !== undefined && handle !== userHandleOf(passkey.userId)) {
      return { ok: false, passkey, reason: 'user handle' };
    }
    let newCounter: number;
    try {
      const { verifyAuthenticationResponse } = await loadWebAuthn();
      const verified = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: (challenge) =>
          takeChallenge(db, {
            challenge,
            purpose: check.purpose,
            userId: check.userId,
            now: check.now,
          }),
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: 0,
          transports: passkey.transports,
        },
        requireUserVerification: check.requireUserVerification,
      });
      if (!verified.verified) return { ok: false, passkey, reason: 'signature' };
      newCounter = verified.authenticationInfo.newCounter;
    } catch (error) {
      return { ok: false, passkey, reason: messageOf(error) };
    }
    if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
      // A signed assertion whose counter went back: the authenticator may
      // have been cloned. Named by its credential id (public), never a secret.
      logger.warn(
        {
          userId: passkey.userId,
          passkeyId: passkey.id,
          credentialId: passkey.credentialId,
          storedCounter: passkey.counter,
          newCounter,
          purpose: check.purpose,
        },
        'passkey signature counter went back: refused',
      );
      return { ok: false, passkey, reason: 'counter went back', counterWentBack: true };
    }
    return { ok: true, passkey, newCounter };
  };
}
