import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses every request but GET, HEAD and OPTIONS whose `Origin` header is not
 * exactly `origin`, before any other work. The refusal names and links the
 * address to open instead (the same app reached as `127.0.0.1` is another
 * origin), and is logged with the origin it came from.
 *
 * Hand-written because `hono/csrf` checks only form content types and accepts
 * a `Sec-Fetch-Site: same-origin` without an Origin; the contract asks for an
 * Origin equal to ORIGIN on every unsafe request, whatever its body.
 */
export function originCheck(origin: string, logger: Logger): MiddlewareHandler {
  const message = `The request did not come from this site. Open ${origin} and try again from there.`;
  return async (c, next) => {
    const sent = c.req.header('Origin');
    if (!safeMethods.has(c.req.method) && sent !== origin) {
      logger.info(
        { event: 'forbidden_origin', origin: sent?.slice(0, 200) ?? null, path: c.req.path },
        `refused a request from another origin than ${origin}`,
      );
      // A page links on to ORIGIN itself: a relative link would stay on the
      // address that was refused.
      throw new ApiError('forbidden_origin', {
        message,
        back: { href: `${origin}/`, text: `Open ${origin}` },
      });
    }
    await next();
  };
}
