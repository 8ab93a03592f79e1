import type { Database } from '@repo/schema/database';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { secondFactorMethodsOf } from './second-factor-methods.ts';

/** The second-factor page, where a waiting session is sent. */
export const secondFactorPagePath = '/signin/second-factor';

/** What a session waiting for its second factor may reach (docs/API.md, "Second factors"). */
function isOpenToWaiting(method: string, path: string): boolean {
  if (path.startsWith('/api/2fa/')) return true;
  if (path === secondFactorPagePath || path.startsWith(`${secondFactorPagePath}/`)) return true;
  // Signing out, from the API or a page's form; the health check names no one.
  if (method === 'POST' && (path === '/api/signout' || path === '/signout')) return true;
  return path === '/healthz';
}

/**
 * Behind the session middleware: a session still waiting for its second
 * factor signs no one in. Every other route answers it
 * `403 second_factor_required` with the user's `"methods"` (under `/api`),
 * or sends a page to the second-factor page.
 */
export function secondFactorGuard(db: Kysely<Database>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = c.get('session');
    if (!session?.secondFactorPending || isOpenToWaiting(c.req.method, c.req.path)) {
      return next();
    }
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
      const methods = await secondFactorMethodsOf(db, session.userId);
      throw new ApiError('second_factor_required', { methods });
    }
    return c.redirect(secondFactorPagePath, 303);
  });
}
