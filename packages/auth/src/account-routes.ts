import type { Database } from '@repo/schema/database';
import { type Context, Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteAccount, exportAccount } from './account-data.ts';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { Mailer } from './mail-delivery.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { listEvents } from './security-events.ts';
import { type Sessions, sendSessionCookie } from './sessions.ts';

export interface AccountRoutesOptions {
  db: Kysely<Database>;
  sessions: Sessions;
  logger: Logger;
  /** Delivers the notice of a deletion; `null` when mail is not set up. */
  mailer?: Mailer | null;
  addressOf(c: Context): string;
}

/**
 * docs/API.md, "Account activity, export and deletion": the caller's
 * security events, everything stored about it, and the deletion of it all.
 * Mounted under `/api` behind the session middleware.
 */
export function accountRoutes({
  db,
  sessions,
  logger,
  mailer = null,
  addressOf,
}: AccountRoutesOptions) {
  const audit = logger.child({ audit: true });
  function signedIn(c: Context<AppEnv>) {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session };
  }

  return new Hono<AppEnv>()
    .get('/activity', async (c) => {
      const { user } = signedIn(c);
      return c.json({ events: await listEvents(db, user.id) });
    })
    .get('/account/export', async (c) => {
      const { user, session } = signedIn(c);
      const now = Date.now();
      const data = await exportAccount({
        db,
        sessions,
        userId: user.id,
        currentSessionId: session.id,
        now,
      });
      audit.info(
        { event: 'account_exported', userId: user.id, clientAddress: addressOf(c) },
        'account exported',
      );
      const day = new Date(now).toISOString().slice(0, 10);
      c.header(
        'Content-Disposition',
        `attachment; filename="account-${user.username}-${day}.json"`,
      );
      return c.json(data);
    })
    .delete('/account', async (c) => {
      const { user, session } = signedIn(c);
      const now = Date.now();
      if (!isRecentlyAuthenticated(session.authenticatedAt, now)) {
        throw new ApiError('reauthentication_required');
      }
      const address = addressOf(c);
      const origin = { address, browser: c.req.header('user-agent') };
      await deleteAccount(db, { userId: user.id, origin, now });
      mailer?.nudge();
      audit.info(
        { event: 'account_deleted', userId: user.id, clientAddress: address },
        'account deleted',
      );
      sendSessionCookie(c, sessions.blankCookie());
      return c.body(null, 204);
    });
}
