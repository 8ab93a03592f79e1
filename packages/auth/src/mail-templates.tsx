/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { MailKind, MailPayload } from './outbox.ts';

/** What a mail's template is given when the mail is sent. */
export interface MailContext {
  /** The app's public origin, named in every mail. */
  origin: string;
  payload: MailPayload;
  /** `email_code`: the code, made now. */
  code?: string;
  /** `password_reset`: the link, made now. */
  link?: string;
}

/** A mail's content, once: the plain-text and HTML bodies are both made from it. */
interface MailContent {
  subject: string;
  paragraphs: string[];
  /** Shown large: a code to type. */
  code?: string | undefined;
  /** A link to follow. */
  link?: string | undefined;
  /** Said last: what to do if it was not the reader. */
  warning?: string;
}

function describeWhen({ at, clientAddress, browser }: MailPayload): string {
  const when = new Date(at).toUTCString();
  const from = clientAddress ? ` from the address ${clientAddress}` : '';
  const with_ = browser ? ` (${browser})` : '';
  return `This happened on ${when}${from}${with_}.`;
}

const notYou =
  'If this was not you, reset your password now from the sign-in page, and end your other sessions on your account page.';

/** One template per kind. */
function contentOf(kind: MailKind, { origin, payload, code, link }: MailContext): MailContent {
  const site = origin;
  switch (kind) {
    case 'email_code':
      return {
        subject: `Your verification code for ${site}`,
        paragraphs: [
          `Enter this code on your account page at ${site} to verify this address. It is valid for 10 minutes.`,
          describeWhen(payload),
        ],
        code,
        warning: 'If you did not ask to add this address, ignore this mail: nothing changes.',
      };
    case 'email_taken':
      return {
        subject: `Someone tried to add your address at ${site}`,
        paragraphs: [
          `Someone tried to add this address to another account at ${site}. It stays with your account; no code was sent.`,
          describeWhen(payload),
        ],
        warning: 'If this was you, you need do nothing. Otherwise nothing changes either.',
      };
    case 'password_reset':
      return {
        subject: `Reset your password at ${site}`,
        paragraphs: [
          `Follow this link to choose a new password at ${site}. It works once, for 30 minutes, and ends every session of your account.`,
          describeWhen(payload),
        ],
        link,
        warning: 'If you did not ask for this, ignore this mail: your password stays as it is.',
      };
    case 'password_changed':
      return {
        subject: `Your password at ${site} was changed`,
        paragraphs: [`The password of your account at ${site} was changed.`, describeWhen(payload)],
        warning: notYou,
      };
    case 'password_reset_done':
      return {
        subject: `Your password at ${site} was reset`,
        paragraphs: [
          `The password of your account at ${site} was reset from a link sent to this address, and every session ended.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'email_changed':
      return {
        subject: `Your address at ${site} was changed`,
        paragraphs: [
          `Your account at ${site} has a new verified address${payload.newAddress ? `, ${payload.newAddress}` : ''}: this one no longer receives its mail.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'email_removed':
      return {
        subject: `Your address was removed at ${site}`,
        paragraphs: [
          `This address was removed from your account at ${site}: it no longer receives its mail, and cannot reset its password.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'provider_linked':
      return {
        subject: `A sign-in provider was linked at ${site}`,
        paragraphs: [
          `${payload.provider ?? 'A provider'} was linked to your account at ${site}: it can now sign in to it.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'second_factor_added':
      return {
        subject: `A second factor was added at ${site}`,
        paragraphs: [
          `${payload.factor ?? 'A second factor'} was added to your account at ${site}: signing in now asks for it after the password.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'second_factor_removed':
      return {
        subject: `A second factor was removed at ${site}`,
        paragraphs: [
          `${payload.factor ?? 'A second factor'} was removed from your account at ${site}.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'recovery_codes_used':
      return {
        subject: `A recovery code was used at ${site}`,
        paragraphs: [
          `A recovery code was used to sign in to your account at ${site}; ${payload.codesLeft ?? 0} are left. Make new ones on your account page when few are left.`,
          describeWhen(payload),
        ],
        warning:
          'If this was not you, someone knows your password and holds your recovery codes: reset your password now, and make new recovery codes.',
      };
    case 'recovery_codes_made':
      return {
        subject: `New recovery codes were made at ${site}`,
        paragraphs: [
          `New recovery codes were made for your account at ${site}: the ones before no longer work.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'passkey_added':
      return {
        subject: `A passkey was added at ${site}`,
        paragraphs: [
          `A passkey named "${payload.passkey ?? ''}" was added to your account at ${site}: it can now sign in to it.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'passkey_removed':
      return {
        subject: `A passkey was removed at ${site}`,
        paragraphs: [
          `The passkey named "${payload.passkey ?? ''}" was removed from your account at ${site}: it cannot sign in to it any more.`,
          describeWhen(payload),
        ],
        warning: notYou,
      };
    case 'account_deleted':
      return {
        subject: `Your account at ${site} was deleted`,
        paragraphs: [
          `Your account at ${site} was deleted, with everything stored about it: its sessions, ways to sign in and activity. Its username is free again.`,
          describeWhen(payload),
        ],
        warning:
          'If this was not you, someone who could sign in as you deleted it: the account cannot be brought back, but you may sign up again.',
      };
  }
}

function MailBody({ content, origin }: { content: MailContent; origin: string }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>{content.subject}</title>
        </head>
        <body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36rem">
          {content.paragraphs.slice(0, 1).map((text) => (
            <p>{text}</p>
          ))}
          {content.code ? (
            <p style="font-size: 1.75rem; letter-spacing: 0.2em; font-family: monospace">
              <strong>{content.code}</strong>
            </p>
          ) : null}
          {content.link ? (
            <p>
              <a href={content.link}>Choose a new password</a>
              <br />
              {content.link}
            </p>
          ) : null}
          {content.paragraphs.slice(1).map((text) => (
            <p>{text}</p>
          ))}
          {content.warning ? <p>{content.warning}</p> : null}
          <p style="color: #666">— {origin}</p>
        </body>
      </html>
    </>
  );
}

/**
 * The subject and both bodies of a mail, made from its kind's one template:
 * plain text, and HTML in the pages' plain style (inline, as mail readers
 * want it).
 *
 * @example
 * const { subject, text, html } = composeMail('email_code', { origin, payload, code: '01234567' });
 */
export function composeMail(
  kind: MailKind,
  context: MailContext,
): { subject: string; text: string; html: string } {
  const content = contentOf(kind, context);
  const [first = '', ...rest] = content.paragraphs;
  const text = [
    first,
    ...(content.code ? [content.code] : []),
    ...(content.link ? [content.link] : []),
    ...rest,
    ...(content.warning ? [content.warning] : []),
    `— ${context.origin}`,
  ].join('\n\n');
  const html = String(<MailBody content={content} origin={context.origin} />);
  return { subject: content.subject, text: `${text}\n`, html };
}
