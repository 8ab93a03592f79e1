import type { Database } from '@repo/schema/database';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import type { Session, User } from 'lucia';
import {
  type AppLucia,
  deleteLegacySessionCookie,
  legacySessionCookieName,
} from './create-lucia.ts';
import { capSessionLifetime, sessionCookie } from './session-lifetime.ts';
import { sessionIdOf, sessionTokenEra } from './session-token.ts';
import { setSessionCookie } from './set-session-cookie.ts';

export interface SessionVariables {
  user: User | null;
  session: Session | null;
}

/**
 * Validates the session cookie and puts `user` and `session` on the context.
 * Lucia looks the session up by the SHA-256 of the cookie's token. A renewed
 * (`fresh`) session, kept within its 90 days, gets its cookie again with a
 * new `Max-Age`; an invalid or expired one (or a value no token can have)
 * gets a cookie that deletes it.
 *
 * Under https the cookie is `__Host-auth_session`. A cookie still named
 * `auth_session` is taken there only with a token issued before migration
 * 0004 (docs/API.md: sessions that exist when the rules are deployed keep
 * working), and is set again under the new name: a token issued since can
 * only have come to that name from a sibling subdomain planting it.
 */
export function sessionMiddleware(db: Kysely<Database>, lucia: AppLucia) {
  const renamed = lucia.sessionCookieName !== legacySessionCookieName;
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const current = getCookie(c, lucia.sessionCookieName);
    const legacy =
      current === undefined && renamed ? getCookie(c, legacySessionCookieName) : undefined;
    const token = current ?? legacy;
    const era = token === undefined ? null : sessionTokenEra(token);
    let user: User | null = null;
    let session: Session | null = null;
    if (token !== undefined && (current !== undefined ? era !== null : era === 'legacy')) {
      ({ session, user } = await lucia.validateSession(sessionIdOf(token)));
      if (session?.fresh) {
        session = await capSessionLifetime(db, session);
        if (!session) user = null;
      }
    }
    if (legacy !== undefined) setSessionCookie(c, deleteLegacySessionCookie(lucia));
    else if (current !== undefined && !session)
      setSessionCookie(c, lucia.createBlankSessionCookie());
    if (token !== undefined && session && (session.fresh || legacy !== undefined))
      setSessionCookie(c, sessionCookie(lucia, token, session));
    c.set('user', user);
    c.set('session', session);
    await next();
  });
}
