import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Session, User } from 'lucia';
import type { AppLucia } from './create-lucia.ts';

export interface SessionVariables {
  user: User | null;
  session: Session | null;
}

/**
 * Validates the session cookie and puts `user` and `session` on the context.
 * A renewed (`fresh`) session gets its cookie again with a new `Max-Age`; an
 * invalid or expired one gets a cookie that deletes it.
 */
export function sessionMiddleware(lucia: AppLucia) {
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const sessionId = getCookie(c, lucia.sessionCookieName);
    const { session, user } = sessionId
      ? await lucia.validateSession(sessionId)
      : { session: null, user: null };
    if (session?.fresh) {
      c.header('Set-Cookie', lucia.createSessionCookie(session.id).serialize(), { append: true });
    } else if (sessionId && !session) {
      c.header('Set-Cookie', lucia.createBlankSessionCookie().serialize(), { append: true });
    }
    c.set('user', user);
    c.set('session', session);
    await next();
  });
}
