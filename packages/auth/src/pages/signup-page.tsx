/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { NewPasswordField } from './new-password-field.tsx';
import { Notice } from './notice.tsx';
import { ProviderButtons, type ProviderChoice } from './provider-buttons.tsx';

export interface SignupPageProps {
  user: Pick<User, 'username'> | null;
  /** The providers of `AUTH_PROVIDERS`, each a "Continue with" button. */
  providers: ProviderChoice[];
  /** The username as typed, kept after a refused post. */
  username?: string;
  /** A message per field (`username`, `password`). */
  fields?: Record<string, string>;
  /** Why the whole form was refused (throttling). */
  error?: string;
}

/** `/signup`: a new username and password; the rules are said before they are broken. */
export function SignupPage({ user, providers, username, fields = {}, error }: SignupPageProps) {
  return (
    <Layout title="Sign up" user={user}>
      <h1>Sign up</h1>
      <form class="card" method="post" action="/signup">
        {error && <Notice tone="error">{error}</Notice>}
        <Field
          name="username"
          label="Username"
          autocomplete="username"
          value={username}
          hint="3 to 31 characters: letters, digits, _ and -."
          error={fields.username}
          autofocus={Boolean(fields.username)}
          minlength={3}
          maxlength={31}
        />
        <NewPasswordField
          name="password"
          label="Password"
          error={fields.password}
          autofocus={Boolean(fields.password && !fields.username)}
        />
        <button type="submit">Create account</button>
      </form>
      <ProviderButtons providers={providers} />
      <p>
        Already have an account? <a href="/signin">Sign in</a>
      </p>
    </Layout>
  );
}
