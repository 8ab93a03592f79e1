/** Anything that answers requests like a Hono app's `request()`. */
export interface RequestTarget {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** The attributes of the `auth_session` cookie a response sets, or `null`. */
export function sessionCookieOf(
  response: Response,
): { value: string; attributes: Map<string, string> } | null {
  const header = response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith('auth_session='));
  if (!header) return null;
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  return {
    value: pair.slice('auth_session='.length),
    attributes: new Map(
      attributes.map((attribute) => {
        const [name = '', value = ''] = attribute.split('=');
        return [name.toLowerCase(), value];
      }),
    ),
  };
}

/**
 * A client as a browser would be: it sends the right `Origin` on unsafe
 * requests and keeps the session cookie the app sets or deletes.
 */
export class TestClient {
  cookie: string | null = null;
  readonly #target: RequestTarget;
  readonly #origin: string;

  constructor(target: RequestTarget, origin: string) {
    this.#target = target;
    this.#origin = origin;
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('Origin') && method !== 'GET') headers.set('Origin', this.#origin);
    if (this.cookie && !headers.has('Cookie')) headers.set('Cookie', `auth_session=${this.cookie}`);
    const response = await this.#target.request(path, { ...init, method, headers });
    const cookie = sessionCookieOf(response);
    if (cookie) this.cookie = cookie.attributes.get('max-age') === '0' ? null : cookie.value;
    return response;
  }

  /** POSTs `json` as `application/json` (no body when omitted). */
  post(path: string, json?: unknown): Promise<Response> {
    if (json === undefined) return this.request('POST', path);
    return this.request('POST', path, {
      body: JSON.stringify(json),
      headers: { 'Content-Type': 'application/json' },
    });
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }
}

/** A response's JSON, loosely typed: the test's `expect` checks its shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions, not the type system, check the body
export function jsonOf(response: Response): Promise<any> {
  return response.json();
}
