import { randomBytes, randomInt } from 'node:crypto';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { setVerificationCode } from './email-addresses.ts';
import { composeMail, type MailContext } from './mail-templates.tsx';
import { type ClaimedMail, claimMail, finishMail, mailLifetimeMs, postponeMail } from './outbox.ts';
import type { PasswordHasher } from './password-hashing.ts';
import {
  dropResetLink,
  endOlderResetLinks,
  type IssuedResetLink,
  issueResetToken,
} from './password-resets.ts';

export interface MailerOptions {
  db: Kysely<Database>;
  /** `SMTP_URL`: `smtp://` (STARTTLS when offered) or `smtps://`. */
  smtpUrl: string;
  /** `MAIL_FROM`. */
  from: string;
  /** The public origin: named in every mail; reset links point at it. */
  origin: string;
  logger: Logger;
  /** Hashes a verification code (Argon2id). */
  passwords: PasswordHasher;
  /** How often the outbox is read besides the nudges; 5 s by default. */
  pollMs?: number;
  /** The wait after a first failed attempt, doubled after each (at most an hour); 30 s by default. */
  retryMs?: number;
}

/** How long a claim lasts: more than a send may take (the transport's timeouts). */
const leaseMs = 2 * 60 * 1000;
const batchSize = 10;
const maxRetryMs = 60 * 60 * 1000;

/**
 * Delivers the outbox over SMTP: each process runs one (`start`), reads the
 * due rows every `pollMs` and when a change of its own queued one
 * (`nudge`), claims each row for itself (outbox.ts), makes the mail's code
 * or link only now (so that no row at rest holds one), sends it with
 * nodemailer, and deletes the row. A failed send is tried again after 30 s,
 * 1 min, 2 min... (at most an hour between tries) until 24 hours after the
 * change, then given up with a warning. Nothing here answers a request, so
 * an SMTP server that is down changes no answer.
 *
 * @example
 * const mailer = createMailer({ db, smtpUrl, from, origin, logger, passwords: argon2Hasher });
 * mailer.start();
 * await mailer.stop();
 */
export function createMailer(options: MailerOptions) {
  const { db, origin, logger, passwords } = options;
  const pollMs = options.pollMs ?? 5000;
  const retryMs = options.retryMs ?? 30_000;
  const owner = randomBytes(16).toString('hex');
  const transport = createTransport(
    {
      url: options.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    { from: options.from },
  );
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  /**
   * The mail's content, and any secret it carries made now; `null`: nothing
   * to send any more. `link`: the reset link made for it.
   */
  async function prepare(
    mail: ClaimedMail,
    now: number,
  ): Promise<(MailContext & { issued?: IssuedResetLink }) | null> {
    const context: MailContext = { origin, payload: mail.payload };
    if (mail.kind === 'email_code') {
      const { verificationId } = mail.payload;
      if (!verificationId || !mail.userId) return null;
      const code = String(randomInt(100_000_000)).padStart(8, '0');
      const hashed = await passwords.hash(code);
      const current = await setVerificationCode(db, {
        id: verificationId,
        userId: mail.userId,
        codeHash: hashed,
        now,
      });
      return current ? { ...context, code } : null;
    }
    if (mail.kind === 'password_reset') {
      const issued = await issueResetToken(db, mail.address, now);
      if (!issued) return null;
      return { ...context, link: `${origin}/reset-password?token=${issued.token}`, issued };
    }
    return context;
  }

  async function deliver(mail: ClaimedMail, now: number): Promise<void> {
    const fields = { mailId: mail.id, kind: mail.kind, userId: mail.userId };
    let issued: IssuedResetLink | undefined;
    let sent = false;
    try {
      const context = await prepare(mail, now);
      if (context) {
        issued = context.issued;
        const { subject, text, html } = composeMail(mail.kind, context);
        await transport.sendMail({ to: mail.address, subject, text, html });
        sent = true;
        logger.info({ ...fields, attempts: mail.attempts + 1 }, 'mail sent');
        // Sent: a newer link ends the older ones (docs/API.md).
        if (issued) await endOlderResetLinks(db, issued);
      } else {
        logger.info(fields, 'mail no longer needed: not sent');
      }
      await finishMail(db, mail.id, owner);
    } catch (error) {
      // A link whose mail did not go is no one's; one that went stays valid.
      if (issued && !sent) await dropResetLink(db, issued).catch(() => {});
      const reason = {
        code: (error as { code?: unknown }).code,
        message: (error as Error).message,
      };
      if (now - mail.createdAtMs >= mailLifetimeMs) {
        logger.warn({ ...fields, ...reason }, 'mail given up after 24 hours');
        await finishMail(db, mail.id, owner).catch(() => {});
        return;
      }
      const waitMs = Math.min(retryMs * 2 ** mail.attempts, maxRetryMs);
      logger.warn({ ...fields, ...reason, retryInMs: waitMs }, 'mail not sent; tried again later');
      await postponeMail(db, mail, owner, now + waitMs).catch(() => {});
    }
  }

  async function deliverDue(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const claimed = await claimMail(db, { owner, now, leaseMs, limit: batchSize });
      for (const mail of claimed) await deliver(mail, now);
      if (claimed.length < batchSize) return;
    }
  }

  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = deliverDue()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'mail outbox could not be read; read again shortly'),
      )
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          run();
        }
      });
  }

  return {
    /** Starts reading the outbox: at once, then every `pollMs`. */
    start(): void {
      stopped = false;
      run();
      timer = setInterval(run, pollMs);
      timer.unref();
    },

    /** A change of this process queued mail: read the outbox now rather than at the next poll. */
    nudge(): void {
      if (!stopped) run();
    },

    /** Stops reading, waits for a send in progress, and closes the transport. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
