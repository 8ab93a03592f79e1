/** Anything that answers requests like a Hono app's `request()`. */
export interface RequestTarget {
  request(path: string, init?: RequestInit, env?: unknown): Response | Promise<Response>;
}

let clients = 0;

/** A client address of its own (TEST-NET-3), so that throttling counts each client apart. */
export function uniqueAddress(): string {
  clients += 1;
  return `203.0.${(clients >> 8) & 255}.${clients & 255}`;
}

/**
 * What @hono/node-server hands the app about the socket (`c.env.incoming`),
 * for requests made in process: the client address throttling counts.
 */
export function socketBindings(address: string) {
  return { incoming: { socket: { remoteAddress: address, remoteFamily: 'IPv4' } } };
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
  /** The `auth_flow` cookie of a provider sign-in in progress. */
  flowCookie: string | null = null;
  /** The client address the app sees. */
  address: string;
  readonly #target: RequestTarget;
  readonly #origin: string;

  constructor(target: RequestTarget, origin: string, address = uniqueAddress()) {
    this.#target = target;
    this.#origin = origin;
    this.address = address;
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('Origin') && method !== 'GET') headers.set('Origin', this.#origin);
    if (!headers.has('Cookie')) {
      const cookies = [
        this.cookie && `auth_session=${this.cookie}`,
        this.flowCookie && `auth_flow=${this.flowCookie}`,
      ].filter(Boolean);
      if (cookies.length > 0) headers.set('Cookie', cookies.join('; '));
    }
    const response = await this.#target.request(
      path,
      { ...init, method, headers },
      socketBindings(this.address),
    );
    const cookie = sessionCookieOf(response);
    if (cookie) this.cookie = cookie.attributes.get('max-age') === '0' ? null : cookie.value;
    const flow = response.headers.getSetCookie().find((header) => header.startsWith('auth_flow='));
    if (flow) this.flowCookie = /max-age=0/i.test(flow) ? null : (flow.split(/[=;]/)[1] ?? null);
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

  /** POSTs `fields` as a browser posts a form: `application/x-www-form-urlencoded`. */
  postForm(path: string, fields: Record<string, string> = {}): Promise<Response> {
    return this.request('POST', path, { body: new URLSearchParams(fields) });
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  delete(path: string): Promise<Response> {
    return this.request('DELETE', path);
  }
}

/** A response's JSON, loosely typed: the test's `expect` checks its shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions, not the type system, check the body
export function jsonOf(response: Response): Promise<any> {
  return response.json();
}
