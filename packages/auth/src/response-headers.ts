import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env.ts';
import { passkeyScriptPath } from './passkey-script-route.ts';

export interface ResponseHeadersOptions {
  /**
   * Where forms may post besides this origin: the providers' authorization
   * endpoints, which a provider button's redirect leads to (Chromium holds
   * a form's redirects to `form-action` too). They grow as providers are
   * discovered, so they are asked for on every request.
   */
  formTargets(): readonly string[];
  /**
   * The public origin (`ORIGIN`): the one script allowed is its
   * `/passkeys.js`, which may call its `/api/` alone. A source with a path
   * needs the origin in it.
   */
  origin: string;
}

/**
 * Hono's `secureHeaders` with its defaults, this app's Content-Security-Policy
 * (nothing but this origin's stylesheet and passkey script, no frames, forms posted here or to
 * `formTargets`) and a Referrer-Policy of `same-origin`: under its default
 * `no-referrer` a browser sends `Origin: null` with a form's post, which the
 * origin check must refuse; `same-origin` still tells other sites nothing.
 * After the handler, `Cache-Control: no-store` on every `/api/*` answer and
 * every answer that carries a user or sets a cookie. Install it first, so
 * that the error handler's answers get them too.
 *
 * @example
 * app.use(responseHeaders({ formTargets: () => providers.formTargets(), origin }));
 */
export function responseHeaders(options: ResponseHeadersOptions): MiddlewareHandler<AppEnv> {
  // With a function in its policy, secureHeaders builds the policy again on
  // every request; the form targets change only when a provider is
  // discovered, so the middleware is made again only then, with a constant
  // policy.
  let targets: readonly string[] | undefined;
  let secure: MiddlewareHandler | undefined;
  const currentSecureHeaders = (): MiddlewareHandler => {
    const now = options.formTargets();
    if (now !== targets || !secure) {
      targets = now;
      secure = secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          scriptSrc: [`${options.origin}${passkeyScriptPath}`],
          connectSrc: [`${options.origin}/api/`],
          imgSrc: ["'self'"],
          formAction: ["'self'", ...now],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
        referrerPolicy: 'same-origin',
        // A route may set its own (the reset page's no-referrer); the rest are set here.
        overwrite: false,
      });
    }
    return secure;
  };
  return (c, next) =>
    currentSecureHeaders()(c, async () => {
      await next();
      const headers = c.res.headers;
      if (headers.has('set-cookie') || c.get('user') || c.req.path.startsWith('/api/')) {
        headers.set('Cache-Control', 'no-store');
      }
    });
}
