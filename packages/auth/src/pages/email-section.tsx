/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Field } from './field.tsx';
import { Notice } from './notice.tsx';

/** The account's address as the account page shows it; `null` when mail is not set up. */
export interface EmailSectionProps {
  /** The verified address, or `null`. */
  address: string | null;
  /** The address a code was sent to and can still be entered for, or `null`. */
  pending: string | null;
  /** Why the last form was refused: per field, or for the section. */
  fields?: Record<string, string>;
  error?: string;
}

/**
 * The account page's "E-mail address": the verified address, a form that
 * sends a code to a new one, the form for the code while one is pending, and
 * removing the address. Changing it is adding another: the verified address
 * stays until the new one is verified.
 */
export function EmailSection({ address, pending, fields = {}, error }: EmailSectionProps) {
  return (
    <section aria-labelledby="email-title">
      <h2 id="email-title">E-mail address</h2>
      {error && <Notice tone="error">{error}</Notice>}
      <p>
        {address ? (
          <>
            Your verified address is <strong>{address}</strong>. It receives a notice of every
            change to your account, and a link when you forget your password.
          </>
        ) : (
          'No verified address yet: add one to be told of changes to your account, and to reset a forgotten password.'
        )}
      </p>
      {pending && (
        <form class="card" method="post" action="/account/email/verify">
          <p>
            Enter the code sent to <strong>{pending}</strong>.
          </p>
          <Field
            name="code"
            label="Code"
            autocomplete="one-time-code"
            inputmode="numeric"
            pattern="[0-9]{8}"
            maxlength={8}
            error={fields.code}
            autofocus={Boolean(fields.code)}
          />
          <button type="submit">Verify</button>
        </form>
      )}
      <form class="card" method="post" action="/account/email">
        <Field
          name="email"
          label={address ? 'New address' : 'Address'}
          type="email"
          autocomplete="email"
          hint="We send it a code of 8 digits."
          error={fields.email}
          autofocus={Boolean(fields.email)}
        />
        <button type="submit">Send a code</button>
      </form>
      {address && (
        <form method="post" action="/account/email/remove">
          <button class="button-danger" type="submit">
            Remove this address
          </button>
        </form>
      )}
    </section>
  );
}
