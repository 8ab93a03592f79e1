import { timingSafeEqual } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie, Session } from 'lucia';
import type { Logger } from 'pino';
import type { Caller } from './auth-service.ts';
import { queueNotice } from './email-addresses.ts';
import type { Mailer } from './mail-delivery.ts';
import type { MailPayload } from './outbox.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newRecoverySalt,
  normalizeRecoveryCode,
} from './recovery-codes.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { secondFactorMethodsOf } from './second-factor-methods.ts';
import { isSealed, open, seal } from './secret-box.ts';
import { type EventOrigin, recordEvent } from './security-events.ts';
import type { Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';
import { acceptedStep, newTotpSecret, totpUri } from './totp-codes.ts';

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
 * and off, making recovery codes, and passing a waiting session's second
 * factor with either. Each change writes its security event and its notice
 * in its own transaction.
 */
export function createSecondFactorService(options: SecondFactorServiceOptions) {
  const { db, sessions, logger, encryptionKey, mailer = null } = options;
  const throttle = new Throttle(db, options.limits);
  const issuer = new URL(options.origin).host;
  const audit = logger.child({ audit: true });

  function payloadOf({ address, browser }: EventOrigin, extra: Partial<MailPayload> = {}) {
    return { at: Date.now(), clientAddress: address, browser: browser?.slice(0, 200), ...extra };
  }

  /** The secret of a stored row; `null` when it is sealed with a key this process lacks. */
  function readSecret(stored: string): string | null {
    if (!isSealed(stored)) return stored;
    const secret = encryptionKey ? open(encryptionKey, stored) : null;
    if (secret === null) {
      logger.error(
        'AUTH_ENCRYPTION_KEY cannot open a stored TOTP secret: it is not the key the secrets were sealed with',
      );
    }
    return secret;
  }

  /** A new set of codes in place of the user's old ones, inside `trx`. */
  async function replaceRecoveryCodes(trx: Kysely<Database>, userId: string, codes: string[]) {
    const salt = newRecoverySalt();
    const digests = await Promise.all(
      codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code) ?? code, salt)),
    );
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

  return {
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
      const stored = encryptionKey ? seal(encryptionKey, secret) : secret;
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
      const secret = row && readSecret(row.secret);
      const step = secret ? acceptedStep(secret, code, Date.now(), row.last_step) : null;
      if (!row || step === null) return { ok: false, reason: 'invalid_code' };
      const recoveryCodes = newRecoveryCodes();
      const confirmed = await writeTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable('totp')
          .set({ confirmed_at_ms: Date.now(), last_step: step })
          .where('user_id', '=', userId)
          .where('secret', '=', row.secret)
          .where('confirmed_at_ms', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await replaceRecoveryCodes(trx, userId, recoveryCodes);
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
      const made = await writeTransaction(db, async (trx) => {
        const factors = await secondFactorMethodsOf(trx, userId);
        if (!factors.includes('totp') && !factors.includes('passkey')) return false;
        await replaceRecoveryCodes(trx, userId, recoveryCodes);
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
      const secret = row && readSecret(row.secret);
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
          await queueNotice(
            trx,
            userId,
            'recovery_codes_used',
            payloadOf(origin, { codesLeft: left.length }),
          );
        }
        return true;
      });
    },
  };

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
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
