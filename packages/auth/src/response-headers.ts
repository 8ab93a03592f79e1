import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv, HeaderBag } from './app-env.ts';

/**
 * What `hono/secure-headers` sends with its defaults (Hono 4.13), with this
 * app's Content-Security-Policy (`contentSecurityPolicy`: `form-action` names
 * the providers' authorization endpoints too) and a Referrer-Policy of `same-origin` (not
 * its default `no-referrer`: under it a browser sends `Origin: null` with a
 * form's post, which the origin check must refuse; same-origin still tells
 * other sites nothing). The shared suite checks that it matches what that
 * middleware sends (`suite/headers.ts`).
 *
 * Written out instead of using the middleware because it sets each header
 * on the finished `Response`, one `Headers.set` after another, and that
 * object is then walked again to write the answer: 14 headers that way cost
 * `GET /api/me` more than a tenth of its CPU time (measured under load). As a plain
 * object they go to Node.js as they are.
 */
export const securityHeaders: Readonly<Record<string, string>> = withSecurityHeaders();

/**
 * The Content-Security-Policy: nothing but this origin's stylesheet, and
 * forms posted here or, after a provider button's redirect, to
 * `formTargets` (Chromium holds a form's redirects to `form-action` too).
 */
export function contentSecurityPolicy(formTargets: readonly string[]): string {
  const forms = ["'self'", ...formTargets].join(' ');
  return `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${forms}; frame-ancestors 'none'; base-uri 'none'`;
}

/**
 * A new record of the security headers: an object literal, which V8 copies
 * from its template far faster than it spreads another object's 12 keys.
 */
function withSecurityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy([]),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'same-origin',
    'strict-transport-security': 'max-age=15552000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/** Answers about a user, or that set a cookie, are never stored by a cache. */
function mustNotBeStored(c: Context<AppEnv>, bag: HeaderBag): boolean {
  return bag['set-cookie'] !== undefined || c.get('user') != null || c.req.path.startsWith('/api/');
}

/**
 * What `c.header()` is while a request is handled: one function for every
 * request, which finds its record through `this`. (A closure made per
 * request and stored on the context made every young-generation garbage
 * collection 3 to 6 times slower, and halved the throughput under load.)
 */
function headerIntoBag(
  this: Context<AppEnv>,
  name: string,
  value?: string,
  options?: { append?: boolean },
): void {
  if (this.finalized) {
    this.get('setOnResponse')(name, value, options);
    return;
  }
  const bag = this.get('responseHeaders');
  const key = name.toLowerCase();
  const previous = bag[key];
  if (value === undefined) delete bag[key];
  else if (options?.append && previous !== undefined) bag[key] = [previous, value].flat();
  else bag[key] = value;
}

/**
 * Gives every response the security headers, and the headers the request
 * decided with `c.header()` (the request id, cookies), and `Cache-Control:
 * no-store` to every `/api/*` answer and every answer that carries a user or
 * sets a cookie. Install it first.
 *
 * Until the response exists, `c.header()` writes to a plain record instead
 * of Hono's `Headers` object, so that `sendJson` can build the answer with
 * plain headers in one step; any other response (pages, redirects, errors)
 * gets them set on it after the handler, as before.
 */
export function responseHeaders(
  options: { formTargets(): readonly string[] } = { formTargets: () => [] },
): MiddlewareHandler<AppEnv> {
  // The targets only grow (as providers are discovered): the policy is made
  // again only when there are more.
  let known = 0;
  let policy = contentSecurityPolicy([]);
  return async (c, next) => {
    const targets = options.formTargets();
    if (targets.length !== known) {
      known = targets.length;
      policy = contentSecurityPolicy(targets);
    }
    c.set('contentSecurityPolicy', policy);
    const bag: HeaderBag = {};
    c.set('responseHeaders', bag);
    c.set('setOnResponse', c.header);
    // Hono's header() is a property of each context, so it can be replaced
    // for this request; its overloads need the cast.
    c.header = headerIntoBag as typeof c.header;
    await next();
    if (c.get('builtWhole') === c.res) return;
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(securityHeaders)) headers.set(name, value);
    headers.set('content-security-policy', policy);
    for (const [name, value] of Object.entries(bag)) {
      if (name !== 'set-cookie') headers.set(name, String(value));
      else {
        const sent = headers.getSetCookie();
        for (const cookie of [value].flat())
          if (!sent.includes(cookie)) headers.append(name, cookie);
      }
    }
    if (mustNotBeStored(c, bag)) headers.set('cache-control', 'no-store');
  };
}

/**
 * A JSON answer with every header at once, as plain values: the fast way
 * for the API's answers (`c.json()` would build a `Headers` object that the
 * middleware then adds to, one header at a time).
 */
export function sendJson(
  c: Context<AppEnv>,
  body: unknown,
  status: ContentfulStatusCode = 200,
): Response {
  const bag = c.get('responseHeaders');
  const plain = withSecurityHeaders();
  plain['content-security-policy'] = c.get('contentSecurityPolicy');
  plain['content-type'] = 'application/json';
  let cookies: string | string[] | undefined;
  for (const name in bag) {
    const value = bag[name] as string | string[];
    if (name === 'set-cookie') cookies = value;
    else plain[name] = String(value);
  }
  if (mustNotBeStored(c, bag)) plain['cache-control'] = 'no-store';
  if (typeof cookies === 'string') plain['set-cookie'] = cookies;
  // Two cookies cannot share a key of a record: then a list of pairs.
  const headers = Array.isArray(cookies)
    ? [
        ...Object.entries(plain),
        ...cookies.map((cookie) => ['set-cookie', cookie] as [string, string]),
      ]
    : plain;
  const response = new Response(JSON.stringify(body), { status, headers });
  // Marked on the context, not in a WeakSet of responses: each entry of
  // one is work for every garbage collection.
  c.set('builtWhole', response);
  return response;
}
