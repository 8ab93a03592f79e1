import { createMiddleware } from 'hono/factory';
import type { Session, User } from 'lucia';
import type { Sessions } from './sessions.ts';

export interface SessionVariables {
  user: User | null;
  session: Session | null;
}

/**
 * Puts the request's `user` and `session` on the context (both `null`
 * without a valid session cookie); the sessions module reads the cookie and
 * sends it again, renewed or deleted, as the session needs.
 *
 * @example
 * app.use(sessionMiddleware(createSessions({ db, adapter, origin })));
 */
export function sessionMiddleware(sessions: Sessions) {
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const { user, session } = await sessions.validate(c);
    c.set('user', user);
    c.set('session', session);
    await next();
  });
}
