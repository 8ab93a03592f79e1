/** @jsxRuntime automatic @jsxImportSource hono/jsx */

/** A configured provider as a page names it. */
export interface ProviderChoice {
  name: string;
  label: string;
}

/**
 * "Continue with <label>": one form per provider, posting to
 * `/signin/<name>` (origin-checked like every post), which sends the
 * browser on to the provider. With `reauthenticate`, the signed-in user
 * confirms who it is through a provider it has linked.
 */
export function ProviderButtons({
  providers,
  reauthenticate = false,
  divider = true,
}: {
  providers: ProviderChoice[];
  reauthenticate?: boolean;
  /** The "or" before the buttons, when a form comes before them. */
  divider?: boolean;
}) {
  if (providers.length === 0) return null;
  return (
    <section
      class="providers"
      aria-label={reauthenticate ? 'Confirm through a provider' : 'Other ways to sign in'}
    >
      {divider && <p class="providers-divider">or</p>}
      {providers.map((provider) => (
        <form key={provider.name} method="post" action={`/signin/${provider.name}`}>
          {reauthenticate && <input type="hidden" name="reauthenticate" value="1" />}
          <button class="button-secondary provider-button" type="submit">
            Continue with {provider.label}
          </button>
        </form>
      ))}
    </section>
  );
}
