import type { Database } from '@repo/schema/database';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import type { Session, User } from 'lucia';
import type { AppLucia } from './create-lucia.ts';
import { capSessionLifetime, sessionCookie } from './session-lifetime.ts';
import { setSessionCookie } from './set-session-cookie.ts';

export interface SessionVariables {
  user: User | null;
  session: Session | null;
}

/**
 * Validates the session cookie and puts `user` and `session` on the context.
 * A renewed (`fresh`) session, kept within its 90 days, gets its cookie again
 * with a new `Max-Age`; an invalid or expired one gets a cookie that deletes it.
 */
export function sessionMiddleware(db: Kysely<Database>, lucia: AppLucia) {
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const sessionId = getCookie(c, lucia.sessionCookieName);
    let { session, user } = sessionId
      ? await lucia.validateSession(sessionId)
      : { session: null, user: null };
    if (session?.fresh) {
      session = await capSessionLifetime(db, lucia, session);
      if (session) setSessionCookie(c, sessionCookie(lucia, session));
      else user = null;
    }
    if (sessionId && !session) setSessionCookie(c, lucia.createBlankSessionCookie());
    c.set('user', user);
    c.set('session', session);
    await next();
  });
}
