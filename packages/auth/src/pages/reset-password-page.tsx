/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Layout } from './layout.tsx';
import { NewPasswordField } from './new-password-field.tsx';
import { Notice } from './notice.tsx';

export interface ResetPasswordPageProps {
  /** The link's token, posted back with the new password; absent: the link was incomplete. */
  token: string | null;
  fields?: Record<string, string>;
  /** Why the link did nothing: wrong, used or expired. */
  error?: string;
}

/**
 * `/reset-password?token=...`: a new password for the account the link is
 * for. The route sends `Referrer-Policy: no-referrer` with it; the page then
 * sets `strict-origin` for what follows, so that its form posts with an
 * `Origin` the origin check accepts and no request ever names the token.
 */
export function ResetPasswordPage({ token, fields = {}, error }: ResetPasswordPageProps) {
  return (
    <Layout
      title="Choose a new password"
      user={null}
      head={<meta name="referrer" content="strict-origin" />}
    >
      <h1>Choose a new password</h1>
      {error || !token ? (
        <>
          <Notice tone="error">
            {error ?? 'This link is incomplete.'} Ask for a new link: it works once, for 30 minutes.
          </Notice>
          <p>
            <a href="/forgot-password">Ask for a new link</a>
          </p>
        </>
      ) : (
        <form class="card" method="post" action="/reset-password">
          <input type="hidden" name="token" value={token} />
          <NewPasswordField
            name="newPassword"
            label="New password"
            consequence="Every session of your account ends; then sign in with it."
            error={fields.newPassword}
            autofocus
          />
          <button type="submit">Set the new password</button>
        </form>
      )}
    </Layout>
  );
}
