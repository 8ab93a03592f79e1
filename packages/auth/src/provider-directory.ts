import * as client from 'openid-client';
import { isLoopbackIssuer, type ProviderConfig } from './provider-config.ts';

/** How long one request to a provider may take (discovery, token, UserInfo, JWKS), in seconds. */
const requestTimeoutSeconds = 10;

/** A configured provider, and its openid-client configuration once discovered. */
export interface Provider extends ProviderConfig {
  /**
   * The discovered configuration. Discovery runs on the first use and is
   * kept once it worked; a provider that was down is asked again on the next
   * use, so that one down at start does not stay broken.
   */
  discover(): Promise<client.Configuration>;
}

/**
 * The providers of `AUTH_PROVIDERS`, by name. openid-client does discovery,
 * PKCE, state, nonce and ID-token checks; two of its defaults are changed:
 * the ID token's signature is verified even when it comes from the token
 * endpoint (`enableNonRepudiationChecks`; by default openid-client trusts
 * TLS there), and plain http is allowed only for an issuer on localhost or
 * 127.0.0.1 (`allowInsecureRequests`, for that provider only).
 *
 * @example
 * const providers = createProviderDirectory(config.providers);
 * const configuration = await providers.get('google')?.discover();
 */
export function createProviderDirectory(configs: ProviderConfig[]) {
  const providers = new Map<string, Provider>();
  // Where a "Continue with" form's post ends up after its redirect: each
  // issuer's origin, and its authorization endpoint's once discovered.
  const formTargets = new Set(configs.map((config) => new URL(config.issuer).origin));
  // A list made again only when the set grows: read by every request.
  let formTargetList: readonly string[] = [...formTargets];
  for (const config of configs) {
    let discovered: Promise<client.Configuration> | null = null;
    const discover = () => {
      discovered ??= client
        .discovery(
          new URL(config.issuer),
          config.clientId,
          { client_secret: config.clientSecret },
          // HTTP Basic: OpenID Connect's default for a client with a secret.
          client.ClientSecretBasic(config.clientSecret),
          {
            timeout: requestTimeoutSeconds,
            execute: isLoopbackIssuer(config.issuer) ? [client.allowInsecureRequests] : [],
          },
        )
        .then((configuration) => {
          client.enableNonRepudiationChecks(configuration);
          const endpoint = configuration.serverMetadata().authorization_endpoint;
          if (endpoint && !formTargets.has(new URL(endpoint).origin)) {
            formTargets.add(new URL(endpoint).origin);
            formTargetList = [...formTargets];
          }
          return configuration;
        })
        .catch((error: unknown) => {
          discovered = null;
          throw error;
        });
      return discovered;
    };
    providers.set(config.name, { ...config, discover });
  }
  return {
    /** The provider of that name, or `null` when `AUTH_PROVIDERS` does not list it. */
    get(name: string): Provider | null {
      return providers.get(name) ?? null;
    },
    /** Every provider, in the order of `AUTH_PROVIDERS`. */
    list(): Provider[] {
      return [...providers.values()];
    },
    /**
     * The origins a form of the pages may end up at besides the app's own,
     * for the CSP's `form-action`: Chromium holds a form's post to it through
     * the redirects that follow, and `POST /signin/:provider` redirects to
     * the provider's authorization endpoint.
     */
    formTargets(): readonly string[] {
      return formTargetList;
    },
  };
}

export type ProviderDirectory = ReturnType<typeof createProviderDirectory>;
