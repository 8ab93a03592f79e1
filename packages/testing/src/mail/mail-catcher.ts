import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the catcher received it. */
export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  from: string;
  /** The whole message as it came over SMTP, for what no mail may carry. */
  raw: string;
}

function addressesOf(field: ParsedMail['to']): string {
  if (!field) return '';
  return (Array.isArray(field) ? field : [field]).map((one) => one.text).join(', ');
}

/**
 * A real SMTP server on loopback (`smtp-server`, no TLS, any sender), that
 * parses each mail it is given (`mailparser`) and keeps it: what the apps
 * under test send is delivered over a socket like any mail, never through a
 * stand-in for the transport. It can be stopped and started again on its
 * port, to be a mail server that is down for a while.
 *
 * @example
 * const catcher = await MailCatcher.start();
 * const app = await harness.open({ mail: catcher });
 * const mail = await catcher.waitFor((m) => m.to === 'ada@example.com');
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  #server: SMTPServer | null = null;
  #port = 0;

  static async start(): Promise<MailCatcher> {
    const catcher = new MailCatcher();
    await catcher.resume();
    return catcher;
  }

  /** `SMTP_URL` for an app that sends here. */
  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  /** Listens (again, on the same port once it had one). */
  async resume(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              this.mails.push({
                to: addressesOf(parsed.to),
                from: addressesOf(parsed.from),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                raw,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.listen(this.#port, '127.0.0.1');
    await once(server.server, 'listening');
    this.#port = (server.server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: the apps' mail fails to connect until `resume`. */
  async pause(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails sent to `address`, in the order they came. */
  to(address: string): CaughtMail[] {
    return this.mails.filter((mail) => mail.to === address);
  }

  /** Waits for the `count`-th mail to `address` (the first by default), for up to `timeoutMs`. */
  async waitFor(address: string, { count = 1, timeoutMs = 20_000 } = {}): Promise<CaughtMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = this.to(address)[count - 1];
      if (mail) return mail;
      if (Date.now() > deadline) {
        throw new Error(`no mail #${count} to ${address} within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** The 8-digit code a verification mail carries. */
export function codeOf(mail: CaughtMail): string {
  const code = /\b(\d{8})\b/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in the mail "${mail.subject}"`);
  return code;
}

/** The token of the reset link a mail carries. */
export function resetTokenOf(mail: CaughtMail): string {
  const token = /\/reset-password\?token=([\w-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no reset link in the mail "${mail.subject}"`);
  return token;
}
