/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { Notice } from './notice.tsx';

export interface ForgotPasswordPageProps {
  user: Pick<User, 'username'> | null;
  /** Whether mail is set up; without it the page says that no reset by mail exists. */
  mail: boolean;
  /** The request was taken: the same sentence whether or not an account has the address. */
  sent?: boolean;
  fields?: Record<string, string>;
  error?: string;
}

/** `/forgot-password`: an address, to which a reset link goes if an account has it verified. */
export function ForgotPasswordPage({
  user,
  mail,
  sent,
  fields = {},
  error,
}: ForgotPasswordPageProps) {
  return (
    <Layout title="Forgot your password?" user={user}>
      <h1>Forgot your password?</h1>
      {!mail ? (
        <p>
          This app sends no mail, so a password cannot be reset by mail here. Ask whoever runs it.
        </p>
      ) : sent ? (
        <Notice tone="success">
          If an account has that address verified, a link to reset its password is on its way. It
          works once, for 30 minutes.
        </Notice>
      ) : (
        <form class="card" method="post" action="/forgot-password">
          {error && <Notice tone="error">{error}</Notice>}
          <Field
            name="email"
            label="Your verified e-mail address"
            type="email"
            autocomplete="email"
            error={fields.email}
            autofocus={Boolean(fields.email)}
          />
          <button type="submit">Send me a link</button>
        </form>
      )}
      <p>
        <a href="/signin">Back to sign-in</a>
      </p>
    </Layout>
  );
}
