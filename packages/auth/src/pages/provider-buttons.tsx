/** @jsxRuntime automatic @jsxImportSource hono/jsx */

/** A configured provider as a page names it. */
export interface ProviderChoice {
  name: string;
  label: string;
}

/**
 * "Continue with <label>": one form per provider, posting to
 * `/signin/<name>` (origin-checked like every post), which sends the
 * browser on to the provider.
 */
export function ProviderButtons({ providers }: { providers: ProviderChoice[] }) {
  if (providers.length === 0) return null;
  return (
    <section class="providers" aria-label="Other ways to sign in">
      <p class="providers-divider">or</p>
      {providers.map((provider) => (
        <form key={provider.name} method="post" action={`/signin/${provider.name}`}>
          <button class="button-secondary provider-button" type="submit">
            Continue with {provider.label}
          </button>
        </form>
      ))}
    </section>
  );
}
