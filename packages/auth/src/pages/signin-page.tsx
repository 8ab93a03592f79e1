/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { Notice } from './notice.tsx';
import { PasskeyScript, PasskeySignIn } from './passkey-section.tsx';
import { ProviderButtons, type ProviderChoice } from './provider-buttons.tsx';

export interface SigninPageProps {
  user: Pick<User, 'username'> | null;
  /** The providers of `AUTH_PROVIDERS`, each a "Continue with" button. */
  providers: ProviderChoice[];
  /** The username as typed, kept after a refused post. */
  username?: string;
  /** Why the form was refused: one sentence for a wrong password and an unknown user alike. */
  error?: string;
  /** Whether mail is set up (`SMTP_URL`): then a forgotten password can be reset. */
  mail?: boolean;
}

/** `/signin`: username and current password. */
export function SigninPage({ user, providers, username, error, mail }: SigninPageProps) {
  return (
    <Layout title="Sign in" user={user} head={<PasskeyScript />}>
      <h1>Sign in</h1>
      <form class="card" method="post" action="/signin">
        {error && <Notice tone="error">{error}</Notice>}
        <Field name="username" label="Username" autocomplete="username" value={username} />
        {/* After a refused post the username is kept: the password is what to type again. */}
        <Field
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          autofocus={Boolean(error)}
        />
        <button type="submit">Sign in</button>
      </form>
      {mail && (
        <p>
          <a href="/forgot-password">Forgot your password?</a>
        </p>
      )}
      <PasskeySignIn />
      <ProviderButtons providers={providers} />
      <p>
        No account yet? <a href="/signup">Sign up</a>
      </p>
    </Layout>
  );
}
