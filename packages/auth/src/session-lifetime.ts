import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Session } from 'lucia';
import type { AppLucia } from './create-lucia.ts';
import { endSession } from './end-session.ts';

/** No session outlives this, however often it is renewed. */
export const maxSessionLifetimeMs = 90 * 24 * 60 * 60 * 1000;

/**
 * Keeps a session that Lucia has just renewed (`fresh`) within 90 days of its
 * creation: its expiry is brought back to `created_at + 90 days`, and a session
 * past that is ended (`null`). Lucia slides sessions but knows no upper bound;
 * renewals are rare (at most once per 15 days but in a session's last 15 days),
 * so this costs one read then, and nothing on other requests.
 */
export async function capSessionLifetime(
  db: Kysely<Database>,
  session: Session,
): Promise<Session | null> {
  const row = await db
    .selectFrom('session')
    .select('created_at')
    .where('id', '=', session.id)
    .executeTakeFirst();
  if (!row) return null;
  const cap = new Date(row.created_at.getTime() + maxSessionLifetimeMs);
  if (cap.getTime() <= Date.now()) {
    await endSession(db, session.id);
    return null;
  }
  if (session.expiresAt <= cap) return session;
  await db.updateTable('session').set({ expires_at: cap }).where('id', '=', session.id).execute();
  return { ...session, expiresAt: cap };
}

/** The cookie that carries a session's token, with a `Max-Age` that ends when the session does. */
export function sessionCookie(lucia: AppLucia, token: string, session: Session) {
  const cookie = lucia.createSessionCookie(token);
  cookie.attributes.maxAge = Math.max(
    0,
    Math.round((session.expiresAt.getTime() - Date.now()) / 1000),
  );
  return cookie;
}
