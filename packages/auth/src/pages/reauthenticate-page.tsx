/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import type { ConfirmationWays } from '../identity-service.ts';
import { confirmedPath } from './confirmations.ts';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { PasskeyConfirm, PasskeyScript } from './passkey-section.tsx';
import { ProviderButtons } from './provider-buttons.tsx';

export interface ReauthenticatePageProps {
  user: Pick<User, 'username'>;
  /** The user's password, passkeys and linked providers: the ways it can confirm who it is. */
  ways: ConfirmationWays;
  /** Why the password was refused. */
  error?: string | undefined;
  /** The page the change was asked from, where the user goes back to make it again. */
  returnTo?: ReturnPage;
}

/** The pages that ask for a change needing recent authentication. */
export const returnPages = ['/account', '/account/two-step'] as const;
export type ReturnPage = (typeof returnPages)[number];

/**
 * What a sensitive change (a first password, linking or unlinking a
 * provider) answers when the session last proved who it is more than 10
 * minutes ago: the password again, or a provider the user has linked
 * (docs/API.md, "Recent authentication"). Then the user makes the change
 * again.
 */
export function ReauthenticatePage({
  user,
  ways,
  error,
  returnTo = '/account',
}: ReauthenticatePageProps) {
  const linked = ways.identities.map(({ provider, label }) => ({ name: provider, label }));
  return (
    <Layout
      title="Confirm it is you"
      user={user}
      head={ways.passkey ? <PasskeyScript /> : undefined}
    >
      <h1>Confirm it is you</h1>
      <p>
        This change needs you to have signed in within the last 10 minutes. Confirm it is you, then
        make the change again.
      </p>
      {ways.password && (
        <form method="post" action="/account/reauthenticate">
          <Field
            name="password"
            label="Your password"
            type="password"
            autocomplete="current-password"
            error={error}
            autofocus
          />
          <input type="hidden" name="return-to" value={returnTo} />
          <button type="submit">Confirm</button>
        </form>
      )}
      {ways.passkey && (
        <PasskeyConfirm
          label="Confirm with a passkey"
          next={confirmedPath(returnTo, 'reauthenticated')}
        />
      )}
      <ProviderButtons providers={linked} reauthenticate divider={ways.password} />
      <p>
        <a href={returnTo}>
          {returnTo === '/account' ? 'Back to your account' : 'Back to two-step sign-in'}
        </a>
      </p>
    </Layout>
  );
}
