import { timingSafeEqual } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie } from 'lucia';
import { queueNotice } from './email-addresses.ts';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.ts';
import type {
  SecondFactorFailure,
  SecondFactorServiceOptions,
  WaitingCaller,
} from './second-factor-service.ts';
import { recordEvent } from './security-events.ts';
import { Throttle } from './throttle.ts';
import { acceptedStep } from './totp-codes.ts';
import { readStoredSecret } from './totp-secrets.ts';

/**
 * Passing a waiting session's second factor (docs/API.md, "Second
 * factors"): a TOTP code, each step once, or a recovery code, used up; wrong
 * ones of both kinds counted together per user (throttle.ts). A code that
 * passes makes the waiting session a full one (`sessions.completeSecondFactor`).
 */
export function createSecondFactorSignIn(options: Omit<SecondFactorServiceOptions, 'origin'>) {
  const { db, sessions, logger, encryptionKey, mailer = null } = options;
  const throttle = new Throttle(db, options.limits);
  const audit = logger.child({ audit: true });

  /** A failed code: counted already (the throttle), recorded for the owner to see. */
  async function failed(caller: WaitingCaller, method: string): Promise<SecondFactorFailure> {
    const { session, address, browser } = caller;
    await recordEvent(db, {
      userId: session.userId,
      kind: 'second_factor_failed',
      origin: { address, browser },
      detail: { method },
    });
    audit.info(
      { event: 'second_factor_failed', userId: session.userId, clientAddress: address, method },
      'wrong second-factor code',
    );
    return { ok: false, reason: 'invalid_code' };
  }

  /** Whether the user may try a code now; counted as a failure until it succeeds. */
  async function mayTry(caller: WaitingCaller): Promise<SecondFactorFailure | null> {
    const { wait } = await throttle.beginSecondFactor(caller.session.userId, Date.now());
    if (wait === 0) return null;
    audit.warn(
      { event: 'second_factor_throttled', userId: caller.session.userId, retryAfter: wait },
      'throttled',
    );
    return { ok: false, reason: 'too_many_attempts', retryAfter: wait };
  }

  /** The waiting session becomes a full one (sessions.ts), and the failures count from 0. */
  async function complete(
    caller: WaitingCaller,
    method: string,
    during?: (trx: Kysely<Database>) => Promise<boolean>,
  ): Promise<{ ok: true; cookie: Cookie } | SecondFactorFailure> {
    const { session, address, browser } = caller;
    const cookie = await sessions.completeSecondFactor(
      session,
      { kind: 'second_factor_passed', origin: { address, browser }, detail: { method } },
      during,
    );
    // Ended meanwhile (a password change), or the code was used by another request.
    if (!cookie)
      return method === 'recovery_code'
        ? failed(caller, method)
        : { ok: false, reason: 'unauthenticated' };
    await throttle.secondFactorSucceeded(session.userId);
    mailer?.nudge();
    audit.info(
      { event: 'second_factor_passed', userId: session.userId, clientAddress: address, method },
      'second factor passed',
    );
    return { ok: true, cookie };
  }
  return {
    /** `POST /api/2fa/totp`: a TOTP code of the waiting session's user makes it a full session. */
    async passTotp(
      caller: WaitingCaller,
      code: string,
    ): Promise<{ ok: true; cookie: Cookie } | SecondFactorFailure> {
      const throttled = await mayTry(caller);
      if (throttled) return throttled;
      const userId = caller.session.userId;
      const row = await db
        .selectFrom('totp')
        .select(['secret', 'last_step'])
        .where('user_id', '=', userId)
        .where('confirmed_at_ms', 'is not', null)
        .executeTakeFirst();
      const secret = row && readStoredSecret(encryptionKey, row.secret, logger);
      const step = secret ? acceptedStep(secret, code, Date.now(), row.last_step) : null;
      if (!row || step === null) return failed(caller, 'totp');
      // The step is taken by one request only, in this process or another:
      // a replay of the same code finds it taken.
      const taken = await db
        .updateTable('totp')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return failed(caller, 'totp');
      return complete(caller, 'totp');
    },

    /** `POST /api/2fa/recovery`: a recovery code, used up, makes the waiting session a full one. */
    async passRecovery(
      caller: WaitingCaller,
      input: string,
    ): Promise<{ ok: true; cookie: Cookie } | SecondFactorFailure> {
      const throttled = await mayTry(caller);
      if (throttled) return throttled;
      const userId = caller.session.userId;
      const code = normalizeRecoveryCode(input);
      const rows = await db
        .selectFrom('recovery_code')
        .select(['id', 'salt', 'digest'])
        .where('user_id', '=', userId)
        .execute();
      const [first] = rows;
      if (!code || !first) return failed(caller, 'recovery_code');
      const digest = Buffer.from(await hashRecoveryCode(code, first.salt), 'base64');
      const match = rows.find((row) => {
        const stored = Buffer.from(row.digest, 'base64');
        return stored.length === digest.length && timingSafeEqual(stored, digest);
      });
      if (!match) return failed(caller, 'recovery_code');
      const origin = { address: caller.address, browser: caller.browser };
      return complete(caller, 'recovery_code', async (trx) => {
        const used = await trx
          .deleteFrom('recovery_code')
          .where('id', '=', match.id)
          .executeTakeFirst();
        if (Number(used.numDeletedRows) === 0) return false;
        if (mailer) {
          const left = await trx
            .selectFrom('recovery_code')
            .select('id')
            .where('user_id', '=', userId)
            .execute();
          await queueNotice(trx, userId, 'recovery_codes_used', {
            at: Date.now(),
            clientAddress: origin.address,
            browser: origin.browser?.slice(0, 200),
            codesLeft: left.length,
          });
        }
        return true;
      });
    },
  };
}
