import { createHash } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Caller, Failure } from './auth-service.ts';
import {
  completeVerification,
  findEmailOwner,
  pendingEmailOf,
  removeEmail,
  startVerification,
  takeVerificationAttempt,
  verifiedEmailOf,
} from './email-addresses.ts';
import type { Mailer } from './mail-delivery.ts';
import { type MailPayload, queueMail } from './outbox.ts';
import type { PasswordHasher } from './password-hashing.ts';
import { isResetTokenUsable, resetPassword } from './password-resets.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { recordEvent } from './security-events.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';

export interface EmailServiceOptions {
  db: Kysely<Database>;
  logger: Logger;
  limits: ThrottleLimits;
  passwords: PasswordHasher;
  /** Delivers what the flows queue; told when a flow queued something. */
  mailer: Mailer;
}

/** Who asked, for the throttles and for the mails that tell of it. */
export interface Requester {
  address: string;
  /** The request's `User-Agent`. */
  browser?: string | undefined;
}

function payloadOf({ address, browser }: Requester, now: number): MailPayload {
  return { at: now, clientAddress: address, browser: browser?.slice(0, 200) };
}

const invalidCode = { ok: false, reason: 'invalid_code' } as const;

/**
 * docs/API.md, "E-mail": adding, verifying and removing the address, and a
 * password reset by mail. Every mail is queued in the transaction of its
 * change (outbox.ts) and delivered by the mailer, so that no answer here
 * waits for, or depends on, an SMTP server.
 */
export function createEmailService({ db, logger, limits, passwords, mailer }: EmailServiceOptions) {
  const throttle = new Throttle(db, limits);
  const audit = logger.child({ audit: true });

  function throttled(event: string, address: string, retryAfter: number): Failure {
    audit.warn({ event, clientAddress: address, retryAfter }, 'throttled');
    return { ok: false, reason: 'too_many_attempts', retryAfter };
  }

  return {
    /** The account page's view: the verified address, and the one a code can still be entered for. */
    async status(userId: string): Promise<{ address: string | null; pending: string | null }> {
      const [address, pending] = await Promise.all([
        verifiedEmailOf(db, userId),
        pendingEmailOf(db, userId, Date.now()),
      ]);
      return { address, pending };
    },

    /**
     * `POST /api/email`: a code to `email`, or, when another account has it
     * verified, a mail to it that someone tried (the same answer).
     */
    async requestVerification(
      caller: Caller & Requester,
      email: string,
    ): Promise<{ ok: true } | Failure> {
      const { user, session, address } = caller;
      const now = Date.now();
      if (!isRecentlyAuthenticated(session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const { wait } = await throttle.beginEmailChange(user.id, now);
      if (wait > 0) return throttled('email_throttled', address, wait);
      const payload = payloadOf(caller, now);
      const owner = await findEmailOwner(db, email);
      if (owner && owner !== user.id) {
        // The caller's activity says the same as when the address is free.
        await writeTransaction(db, async (trx) => {
          await queueMail(
            trx,
            { kind: 'email_taken', userId: owner, address: email, payload },
            now,
          );
          await recordEvent(trx, {
            userId: user.id,
            kind: 'email_added',
            origin: { address, browser: caller.browser },
            at: now,
          });
        });
        audit.info(
          { event: 'email_taken', userId: user.id, clientAddress: address },
          'address verified by another account: that address is told, no code sent',
        );
      } else {
        await startVerification(db, { userId: user.id, email, payload });
        audit.info(
          { event: 'email_added', userId: user.id, clientAddress: address },
          'code queued',
        );
      }
      mailer.nudge();
      return { ok: true };
    },

    /** `POST /api/email/verify`: the code of the caller's latest request makes its address verified. */
    async verify(
      caller: Caller & Requester,
      code: string,
    ): Promise<{ ok: true; email: string } | Failure> {
      const { user, address } = caller;
      const now = Date.now();
      const failed = () => {
        audit.info(
          { event: 'email_verify_failed', userId: user.id, clientAddress: address },
          'wrong, used or expired code',
        );
        return invalidCode;
      };
      const attempt = await takeVerificationAttempt(db, user.id, now);
      if (!attempt || !/^\d{8}$/.test(code)) return failed();
      if (!(await passwords.verify(attempt.codeHash, code))) return failed();
      const result = await completeVerification(db, {
        userId: user.id,
        attempt,
        payload: payloadOf(caller, now),
      });
      if (result !== 'verified') return failed();
      audit.info(
        { event: 'email_verified', userId: user.id, clientAddress: address },
        'address verified',
      );
      mailer.nudge();
      return { ok: true, email: attempt.email };
    },

    /** `DELETE /api/email`: the address goes, and is told. */
    async remove(caller: Caller & Requester): Promise<{ ok: true } | Failure> {
      const { user, session, address } = caller;
      const now = Date.now();
      if (!isRecentlyAuthenticated(session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      if (await removeEmail(db, { userId: user.id, payload: payloadOf(caller, now) })) {
        audit.info(
          { event: 'email_removed', userId: user.id, clientAddress: address },
          'address removed',
        );
        mailer.nudge();
      }
      return { ok: true };
    },

    /**
     * `POST /api/password-reset`: the same work and answer whether or not an
     * account has the address: a reset mail is queued for the address as it
     * is, and the mailer finds the account (if any) when it sends, out of
     * the request's time. At most 3 mails an address an hour.
     */
    async requestReset(requester: Requester, email: string): Promise<{ ok: true } | Failure> {
      const now = Date.now();
      const { wait } = await throttle.beginResetRequest(requester.address, now);
      if (wait > 0) return throttled('reset_throttled', requester.address, wait);
      const digest = createHash('sha256').update(email).digest('hex');
      const mails = await throttle.countResetMail(digest, now);
      if (mails.wait === 0) {
        await queueMail(
          db,
          {
            kind: 'password_reset',
            userId: null,
            address: email,
            payload: payloadOf(requester, now),
          },
          now,
        );
        mailer.nudge();
      }
      audit.info(
        {
          event: 'password_reset_requested',
          clientAddress: requester.address,
          queued: mails.wait === 0,
        },
        'password reset requested',
      );
      return { ok: true };
    },

    /**
     * `POST /api/password-reset/confirm`: a link that works sets the
     * password, ends every session and link of its user, and signs no one in.
     */
    async confirmReset(
      requester: Requester,
      input: { token: string; newPassword: string },
    ): Promise<{ ok: true } | Failure> {
      const now = Date.now();
      // Read first, so that a wrong link costs no hash.
      if (!(await isResetTokenUsable(db, input.token, now))) {
        audit.info(
          { event: 'password_reset_failed', clientAddress: requester.address },
          'wrong, used or expired link',
        );
        return invalidCode;
      }
      const hashedPassword = await passwords.hash(input.newPassword);
      const userId = await resetPassword(db, {
        token: input.token,
        hashedPassword,
        payload: payloadOf(requester, now),
      });
      if (!userId) return invalidCode;
      audit.info(
        { event: 'password_reset', userId, clientAddress: requester.address },
        'password reset; every session ended',
      );
      mailer.nudge();
      return { ok: true };
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
