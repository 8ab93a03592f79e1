/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import type { Identities } from '../identity-service.ts';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { PasskeyConfirm, PasskeyScript } from './passkey-section.tsx';
import { ProviderButtons } from './provider-buttons.tsx';

export interface ReauthenticatePageProps {
  user: Pick<User, 'username'>;
  /** The user's password and linked providers: the ways it can confirm who it is. */
  identities: Identities;
  /** Why the password was refused. */
  error?: string;
  /** Whether the user has a passkey, which confirms it too. */
  passkey?: boolean;
}

/**
 * What a sensitive change (a first password, linking or unlinking a
 * provider) answers when the session last proved who it is more than 10
 * minutes ago: the password again, or a provider the user has linked
 * (docs/API.md, "Recent authentication"). Then the user makes the change
 * again.
 */
export function ReauthenticatePage({ user, identities, error, passkey }: ReauthenticatePageProps) {
  const linked = identities.identities.map(({ provider, label }) => ({ name: provider, label }));
  return (
    <Layout title="Confirm it is you" user={user} head={passkey ? <PasskeyScript /> : undefined}>
      <h1>Confirm it is you</h1>
      <p>
        This change needs you to have signed in within the last 10 minutes. Confirm it is you, then
        make the change again.
      </p>
      {identities.password && (
        <form method="post" action="/account/reauthenticate">
          <Field
            name="password"
            label="Your password"
            type="password"
            autocomplete="current-password"
            error={error}
            autofocus
          />
          <button type="submit">Confirm</button>
        </form>
      )}
      {passkey && (
        <PasskeyConfirm label="Confirm with a passkey" next="/account?done=reauthenticated" />
      )}
      <ProviderButtons providers={linked} reauthenticate divider={identities.password} />
      <p>
        <a href="/account">Back to your account</a>
      </p>
    </Layout>
  );
}
