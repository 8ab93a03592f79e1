import { createHash } from 'node:crypto';

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

/**
 * The id of the session row behind a cookie's token, as docs/API.md fixes
 * it: the token's SHA-256, in hex. Computed here, not by the app's code.
 */
export function sessionRowId(token: string | null): string {
  return createHash('sha256')
    .update(token ?? '')
    .digest('hex');
}

/** The session cookie's names: `__Host-auth_session` when ORIGIN is https, else `auth_session`. */
export const sessionCookieNames = ['__Host-auth_session', 'auth_session'] as const;

/** The name a session cookie has under `origin` (docs/API.md, "Session cookie"). */
export function sessionCookieNameFor(origin: string): string {
  return origin.startsWith('https://') ? '__Host-auth_session' : 'auth_session';
}

export interface SetSessionCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

/** Every session cookie a response sets (a new one, or one that deletes a cookie), in order. */
export function sessionCookiesOf(response: Response): SetSessionCookie[] {
  const cookies: SetSessionCookie[] = [];
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    if (!(sessionCookieNames as readonly string[]).includes(name)) continue;
    const value = pair.slice(equals + 1);
    cookies.push({
      name,
      value,
      attributes: new Map(
        attributes.map((attribute) => {
          const [key = '', setting = ''] = attribute.split('=');
          return [key.toLowerCase(), setting];
        }),
      ),
    });
  }
  return cookies;
}

/** The session cookie a response sets (under https, the `__Host-` one first), or `null`. */
export function sessionCookieOf(response: Response): SetSessionCookie | null {
  const cookies = sessionCookiesOf(response);
  for (const name of sessionCookieNames) {
    const cookie = cookies.find((candidate) => candidate.name === name);
    if (cookie) return cookie;
  }
  return null;
}

/**
 * The `Cookie` header that sends back the session cookie a response set
 * (`''` if none). Its token also goes into `received`, when given: the set
 * the log check at the end of a test file looks for (find-log-leaks.ts).
 */
export function cookieHeaderOf(response: Response, received?: Set<string>): string {
  const cookie = sessionCookieOf(response);
  if (cookie?.value) received?.add(cookie.value);
  return cookie ? `${cookie.name}=${cookie.value}` : '';
}

/**
 * A client as a browser would be: it sends the right `Origin` on unsafe
 * requests and keeps the session cookies the app sets or deletes. Each
 * session token it is given also goes into `received`, the set the log check
 * at the end of the test file looks for (find-log-leaks.ts): the harness's.
 */
export class TestClient {
  /** The cookies it holds, by name, as a browser's jar. */
  readonly cookies = new Map<string, string>();
  /** The client address the app sees. */
  address: string;
  readonly #target: RequestTarget;
  readonly #origin: string;
  readonly #received: Set<string>;

  constructor(
    target: RequestTarget,
    origin: string,
    received: Set<string>,
    address = uniqueAddress(),
  ) {
    this.#target = target;
    this.#origin = origin;
    this.#received = received;
    this.address = address;
  }

  /** The session cookie's value under the origin's name, or `null`. */
  get cookie(): string | null {
    return this.cookies.get(sessionCookieNameFor(this.#origin)) ?? null;
  }

  set cookie(value: string | null) {
    const name = sessionCookieNameFor(this.#origin);
    if (value === null) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** The `auth_flow` cookie of a provider sign-in in progress (`__Host-` under https), or `null`. */
  get flowCookie(): string | null {
    return this.cookies.get(this.#flowCookieName()) ?? null;
  }

  set flowCookie(value: string | null) {
    if (value === null) this.cookies.delete(this.#flowCookieName());
    else this.cookies.set(this.#flowCookieName(), value);
  }

  #flowCookieName(): string {
    return this.#origin.startsWith('https://') ? '__Host-auth_flow' : 'auth_flow';
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('Origin') && method !== 'GET') headers.set('Origin', this.#origin);
    if (this.cookies.size > 0 && !headers.has('Cookie')) {
      const pairs = [...this.cookies].map(([name, value]) => `${name}=${value}`);
      headers.set('Cookie', pairs.join('; '));
    }
    const response = await this.#target.request(
      path,
      { ...init, method, headers },
      socketBindings(this.address),
    );
    for (const { name, value, attributes } of sessionCookiesOf(response)) {
      if (value) this.#received.add(value);
      if (attributes.get('max-age') === '0') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const flowName = this.#flowCookieName();
    const flow = response.headers
      .getSetCookie()
      .find((header) => header.startsWith(`${flowName}=`));
    if (flow) {
      const value = flow.slice(flowName.length + 1).split(';')[0] ?? '';
      if (!value || /max-age=0/i.test(flow)) this.cookies.delete(flowName);
      else this.cookies.set(flowName, value);
    }
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
