import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie } from 'lucia';
import type { Logger } from 'pino';
import { deleteAccount, exportAccount } from './account-data.ts';
import type { Caller } from './auth-service.ts';
import type { Mailer } from './mail-delivery.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { type ActivityEntry, listEvents } from './security-events.ts';
import type { Sessions } from './sessions.ts';

export interface AccountServiceOptions {
  db: Kysely<Database>;
  sessions: Sessions;
  logger: Logger;
  /** Delivers the notice of a deletion; `null` when mail is not set up. */
  mailer?: Mailer | null;
}

/**
 * docs/API.md, "Account activity, export and deletion", once for the JSON
 * API and the account page: the caller's security events, everything
 * stored about it, and the deletion of it all.
 */
export function createAccountService({
  db,
  sessions,
  logger,
  mailer = null,
}: AccountServiceOptions) {
  const audit = logger.child({ audit: true });
  return {
    /** The caller's last 100 events, newest first. */
    activity(userId: string): Promise<ActivityEntry[]> {
      return listEvents(db, userId);
    },

    /** Everything stored about the caller, built from `accountTables`. */
    async export({ user, session, address }: Caller) {
      const data = await exportAccount({
        db,
        sessions,
        userId: user.id,
        currentSessionId: session.id,
        now: Date.now(),
      });
      audit.info(
        { event: 'account_exported', userId: user.id, clientAddress: address },
        'exported',
      );
      return data;
    },

    /**
     * Deletes the caller's account, with recent authentication: the cookie
     * that deletes the session cookie, or `reauthentication_required`.
     */
    async delete({
      user,
      session,
      address,
      browser,
    }: Caller): Promise<
      { ok: true; cookie: Cookie } | { ok: false; reason: 'reauthentication_required' }
    > {
      const now = Date.now();
      if (!isRecentlyAuthenticated(session.authenticatedAt, now)) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      await deleteAccount(db, { userId: user.id, origin: { address, browser }, now });
      mailer?.nudge();
      audit.info(
        { event: 'account_deleted', userId: user.id, clientAddress: address },
        'account deleted',
      );
      return { ok: true, cookie: sessions.blankCookie() };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
