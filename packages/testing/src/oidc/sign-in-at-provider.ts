export interface SignInAtProviderOptions {
  /** The login to type on the provider's page; omitted: press Cancel instead. */
  login?: string;
  /** Changes the authorization request before the browser follows it (an attacker's edit). */
  alter?(url: URL): void;
}

/**
 * Goes through the test provider's pages as a browser would, over real HTTP
 * with the provider's cookies kept: from the authorization URL the app
 * redirected to, through the login page (typing `login`, or cancelling) and
 * the consent, to the redirect back to the app. Answers that redirect: the
 * app's callback URL with `code` and `state` (or `error`).
 *
 * @example
 * const callback = await signInAtProvider(response.headers.get('Location')!, { login: 'u1' });
 * await client.get(callback.pathname + callback.search);
 */
export async function signInAtProvider(
  authorizationUrl: string,
  { login, alter }: SignInAtProviderOptions,
): Promise<URL> {
  const start = new URL(authorizationUrl);
  alter?.(start);
  const jar = new Map<string, string>();
  let url = start;
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let hops = 0; hops < 20; hops += 1) {
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: { Cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('Location');
    if (location) {
      const next = new URL(location, url);
      // Back at the app: the browser's job here is done.
      if (next.origin !== start.origin) return next;
      [url, method, body] = [next, 'GET', undefined];
      continue;
    }
    const page = await response.text();
    if (response.status !== 200 || !page.includes('name="login"')) {
      throw new Error(
        `the provider answered ${response.status} at ${url.pathname}: ${page.slice(0, 300)}`,
      );
    }
    const action = login === undefined ? /action="([^"]+\/abort)"/ : /action="([^"]+\/login)"/;
    url = new URL(page.match(action)?.[1] ?? '', url);
    method = 'POST';
    body = new URLSearchParams(login === undefined ? {} : { login });
  }
  throw new Error('the provider redirected more than 20 times');
}
