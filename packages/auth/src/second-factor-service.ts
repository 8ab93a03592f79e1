import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Session } from 'lucia';
import type { Logger } from 'pino';
import type { Caller } from './auth-service.ts';
import { queueNotice } from './email-addresses.ts';
import type { Mailer } from './mail-delivery.ts';
import type { MailPayload } from './outbox.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { hashRecoverySet, newRecoveryCodes, type RecoverySet } from './recovery-codes.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { secondFactorMethodsOf } from './second-factor-methods.ts';
import { createSecondFactorSignIn } from './second-factor-sign-in.ts';
import { type EventOrigin, recordEvent } from './security-events.ts';
import type { Sessions } from './sessions.ts';
import type { ThrottleLimits } from './throttle.ts';
import { acceptedStep, newTotpSecret, totpUri } from './totp-codes.ts';
import { readStoredSecret, storedSecretOf } from './totp-secrets.ts';

export interface SecondFactorServiceOptions {
  db: Kysely<Database>;
  sessions: Sessions;
  logger: Logger;
  limits: ThrottleLimits;
  /** The public origin: its host names the account in authenticator apps. */
  origin: string;
  /** `AUTH_ENCRYPTION_KEY`: TOTP secrets are sealed with it; `null`: stored as they are. */
  encryptionKey: Buffer | null;
  mailer?: Mailer | null;
}

/** What a second-factor flow answers when it does not succeed. */
export type SecondFactorFailure =
  | {
      ok: false;
      reason:
        | 'reauthentication_required'
        | 'already_enabled'
        | 'invalid_code'
        | 'not_found'
        | 'unauthenticated';
    }
  | { ok: false; reason: 'too_many_attempts'; retryAfter: number };

/** A session waiting for its second factor, and where its request came from. */
export interface WaitingCaller {
  session: Session;
  address: string;
  browser?: string | undefined;
}

const factorName = 'An authenticator app (TOTP)';

/**
 * TOTP and recovery codes (docs/API.md, "Second factors"): turning TOTP on
 * and off and making recovery codes here, and passing a waiting session's
 * second factor with either (second-factor-sign-in.ts). Each change writes
 * its security event and its notice in its own transaction.
 */
export function createSecondFactorService(options: SecondFactorServiceOptions) {
  const { db, logger, encryptionKey, mailer = null } = options;
  const signIn = createSecondFactorSignIn(options);
  const issuer = new URL(options.origin).host;
  const audit = logger.child({ audit: true });

  function payloadOf({ address, browser }: EventOrigin, extra: Partial<MailPayload> = {}) {
    return { at: Date.now(), clientAddress: address, browser: browser?.slice(0, 200), ...extra };
  }

  /**
   * A new set of codes in place of the user's old ones, inside `trx`;
   * hashed before (`hashRecoverySet`), so that no transaction waits for 10 hashes.
   */
  async function replaceRecoveryCodes(
    trx: Kysely<Database>,
    userId: string,
    { salt, digests }: RecoverySet,
  ) {
    const now = Date.now();
    await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
    await trx
      .insertInto('recovery_code')
      .values(
        digests.map((digest) => ({
          id: crypto.randomUUID().replaceAll('-', ''),
          user_id: userId,
          salt,
          digest,
          created_at_ms: now,
        })),
      )
      .execute();
  }

  const recent = ({ session }: Caller) =>
    isRecentlyAuthenticated(session.authenticatedAt, Date.now());

  return {
    /** The user's second factors, which the second-factor page offers. */
    methods: (userId: string) => secondFactorMethodsOf(db, userId),

    /** Whether the user has TOTP on, and how many recovery codes are left (the two-step page). */
    async status(userId: string): Promise<{ totp: boolean; codesLeft: number }> {
      const methods = await secondFactorMethodsOf(db, userId);
      const codes = await db
        .selectFrom('recovery_code')
        .select('id')
        .where('user_id', '=', userId)
        .execute();
      return { totp: methods.includes('totp'), codesLeft: codes.length };
    },

    /** `POST /api/totp`: a new pending secret, replacing a pending one. */
    async start(
      caller: Caller,
    ): Promise<{ ok: true; secret: string; uri: string } | SecondFactorFailure> {
      if (!recent(caller)) return { ok: false, reason: 'reauthentication_required' };
      const userId = caller.user.id;
      const secret = newTotpSecret();
      const stored = storedSecretOf(encryptionKey, secret);
      const started = await writeTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('totp')
          .select('confirmed_at_ms')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (row && row.confirmed_at_ms !== null) return false;
        await trx.deleteFrom('totp').where('user_id', '=', userId).execute();
        await trx
          .insertInto('totp')
          .values({ user_id: userId, secret: stored, created_at_ms: Date.now() })
          .execute();
        return true;
      });
      if (!started) return { ok: false, reason: 'already_enabled' };
      return { ok: true, secret, uri: totpUri(secret, caller.user.username, issuer) };
    },

    /** `POST /api/totp/confirm`: a code of the pending secret turns TOTP on, with recovery codes. */
    async confirm(
      caller: Caller,
      code: string,
    ): Promise<{ ok: true; recoveryCodes: string[] } | SecondFactorFailure> {
      const userId = caller.user.id;
      const origin = { address: caller.address, browser: caller.browser };
      const row = await db
        .selectFrom('totp')
        .select(['secret', 'last_step'])
        .where('user_id', '=', userId)
        .where('confirmed_at_ms', 'is', null)
        .executeTakeFirst();
      const secret = row && readStoredSecret(encryptionKey, row.secret, logger);
      const step = secret ? acceptedStep(secret, code, Date.now(), row.last_step) : null;
      if (!row || step === null) return { ok: false, reason: 'invalid_code' };
      const recoveryCodes = newRecoveryCodes();
      const hashed = await hashRecoverySet(recoveryCodes);
      const confirmed = await writeTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable('totp')
          .set({ confirmed_at_ms: Date.now(), last_step: step })
          .where('user_id', '=', userId)
          .where('secret', '=', row.secret)
          .where('confirmed_at_ms', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await replaceRecoveryCodes(trx, userId, hashed);
        await recordEvent(trx, { userId, kind: 'totp_added', origin });
        if (mailer)
          await queueNotice(
            trx,
            userId,
            'second_factor_added',
            payloadOf(origin, { factor: factorName }),
          );
        return true;
      });
      if (!confirmed) return { ok: false, reason: 'invalid_code' };
      mailer?.nudge();
      audit.info({ event: 'totp_added', userId, clientAddress: caller.address }, 'TOTP turned on');
      return { ok: true, recoveryCodes };
    },

    /** `DELETE /api/totp`: TOTP off; the recovery codes go too when no other factor is left. */
    async remove(caller: Caller): Promise<{ ok: true } | SecondFactorFailure> {
      if (!recent(caller)) return { ok: false, reason: 'reauthentication_required' };
      const userId = caller.user.id;
      const origin = { address: caller.address, browser: caller.browser };
      const removed = await writeTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('totp')
          .select('confirmed_at_ms')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        await trx.deleteFrom('totp').where('user_id', '=', userId).execute();
        if (!row || row.confirmed_at_ms === null) return false;
        const left = await secondFactorMethodsOf(trx, userId);
        if (!left.includes('passkey')) {
          await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
        }
        await recordEvent(trx, { userId, kind: 'totp_removed', origin });
        if (mailer)
          await queueNotice(
            trx,
            userId,
            'second_factor_removed',
            payloadOf(origin, { factor: factorName }),
          );
        return true;
      });
      if (removed) {
        mailer?.nudge();
        audit.info(
          { event: 'totp_removed', userId, clientAddress: caller.address },
          'TOTP turned off',
        );
      }
      return { ok: true };
    },

    /** `POST /api/recovery-codes`: 10 new codes; the old ones end. */
    async makeRecoveryCodes(
      caller: Caller,
    ): Promise<{ ok: true; recoveryCodes: string[] } | SecondFactorFailure> {
      if (!recent(caller)) return { ok: false, reason: 'reauthentication_required' };
      const userId = caller.user.id;
      const origin = { address: caller.address, browser: caller.browser };
      const recoveryCodes = newRecoveryCodes();
      const hashed = await hashRecoverySet(recoveryCodes);
      const made = await writeTransaction(db, async (trx) => {
        const factors = await secondFactorMethodsOf(trx, userId);
        if (!factors.includes('totp') && !factors.includes('passkey')) return false;
        await replaceRecoveryCodes(trx, userId, hashed);
        await recordEvent(trx, { userId, kind: 'recovery_codes_made', origin });
        if (mailer) await queueNotice(trx, userId, 'recovery_codes_made', payloadOf(origin));
        return true;
      });
      if (!made) return { ok: false, reason: 'not_found' };
      mailer?.nudge();
      audit.info(
        { event: 'recovery_codes_made', userId, clientAddress: caller.address },
        'recovery codes made',
      );
      return { ok: true, recoveryCodes };
    },

    ...signIn,
  };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
