/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Identities } from '../identity-service.ts';
import { Notice } from './notice.tsx';

export interface SignInMethodsProps {
  identities: Identities;
  /** Why an unlink did nothing. */
  error?: string;
  /** How many passkeys the user has: each is a way to sign in too. */
  passkeys?: number;
}

/**
 * The account's ways to sign in: the password, each linked provider with
 * Unlink (not on the last way left), and each other configured provider
 * with Link (a post to `/signin/<name>` while signed in links it).
 */
export function SignInMethods({ identities, error, passkeys = 0 }: SignInMethodsProps) {
  const ways = Number(identities.password) + identities.identities.length + passkeys;
  return (
    <section aria-labelledby="methods-title">
      <h2 id="methods-title">Ways to sign in</h2>
      {error && <Notice tone="error">{error}</Notice>}
      <ul class="methods">
        <li class="method">
          <span class="method-name">Password</span>
          <span class="method-state">{identities.password ? 'Set' : 'Not set'}</span>
        </li>
        {identities.identities.map((identity) => (
          <li key={identity.provider} class="method">
            <span class="method-name">{identity.label}</span>
            <span class="method-state">Linked</span>
            {ways > 1 && (
              <form method="post" action="/account/identities/unlink">
                <input type="hidden" name="provider" value={identity.provider} />
                <button class="button-secondary" type="submit">
                  Unlink {identity.label}
                </button>
              </form>
            )}
          </li>
        ))}
        {identities.available.map((provider) => (
          <li key={provider.provider} class="method">
            <span class="method-name">{provider.label}</span>
            <span class="method-state">Not linked</span>
            <form method="post" action={`/signin/${provider.provider}`}>
              <button class="button-secondary" type="submit">
                Link {provider.label}
              </button>
            </form>
          </li>
        ))}
      </ul>
      {ways === 1 && identities.identities.length === 1 && (
        <p class="hint">
          This is your only way to sign in: set a password or link another provider before unlinking
          it.
        </p>
      )}
    </section>
  );
}
