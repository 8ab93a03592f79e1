import type { Database } from '@repo/schema/database';
import { type Kysely, sql } from 'kysely';
import { pendingEmailOf } from './email-addresses.ts';
import { listKeys } from './identities.ts';
import { queueMail } from './outbox.ts';
import { listPasskeys } from './passkeys.ts';
import { writeTransaction } from './retry-on-conflict.ts';
import { type EventOrigin, listEvents } from './security-events.ts';
import type { Sessions } from './sessions.ts';

// What is stored about a user, table by table, in ONE list: the export is
// built from it and the deletion walks it, so that a new table cannot be
// left out of either without saying why. The conformance suite reads the
// schema at run time and fails for a table with a `user_id` column that is
// neither exported nor excluded here with a reason (suite/activity.ts).

/** What an export part is read with. */
interface ExportContext {
  db: Kysely<Database>;
  sessions: Sessions;
  userId: string;
  currentSessionId: string;
  now: number;
}

/** How one table holds a user's data, and what the export and the deletion do with it. */
export type TablePolicy =
  | {
      /** The column naming the user; its rows are deleted with the account. */
      owner: string;
      /** The export's key for this table's part. */
      exportAs: string;
      read(context: ExportContext): Promise<unknown>;
    }
  | {
      /** The column naming the user, or `null` for a table that names none. */
      owner: string | null;
      /** Why it is not exported: a person reads this in the export itself. */
      excluded: string;
    };

/** Every table of `Database`: the compiler refuses a list without a new one. */
export const accountTables: Record<keyof Database, TablePolicy> = {
  user: {
    owner: 'id',
    exportAs: 'account',
    async read({ db, userId }) {
      const row = await db
        .selectFrom('user')
        .select(['id', 'username', 'created_at', 'email', 'email_verified_at_ms'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      return {
        id: row.id,
        username: row.username,
        createdAt: row.created_at.toISOString(),
        email: row.email,
        emailVerifiedAt:
          row.email_verified_at_ms === null
            ? null
            : new Date(row.email_verified_at_ms).toISOString(),
      };
    },
  },
  key: {
    owner: 'user_id',
    exportAs: 'signInMethods',
    // The ways in by provider and date: never a password hash.
    async read({ db, userId }) {
      const keys = await listKeys(db, userId);
      return keys.map((key) => ({
        method: key.provider === 'username' ? 'password' : `provider:${key.provider}`,
        usable: key.provider !== 'username' || key.hasPassword,
        since: key.createdAtMs === null ? null : new Date(key.createdAtMs).toISOString(),
      }));
    },
  },
  session: {
    owner: 'user_id',
    exportAs: 'sessions',
    // By handle and dates, as GET /api/sessions lists them: never a token or its digest.
    read: ({ sessions, userId, currentSessionId }) => sessions.list(userId, currentSessionId),
  },
  security_event: {
    owner: 'user_id',
    exportAs: 'activity',
    read: ({ db, userId }) => listEvents(db, userId, null),
  },
  email_verification: {
    owner: 'user_id',
    exportAs: 'pendingEmail',
    // The address a code went to, while it can be entered: never the code's hash.
    read: ({ db, userId, now }) => pendingEmailOf(db, userId, now),
  },
  passkey: {
    owner: 'user_id',
    exportAs: 'passkeys',
    // By name and dates: never the credential's key or counter.
    read: ({ db, userId }) => listPasskeys(db, userId),
  },
  webauthn_challenge: {
    owner: 'user_id',
    excluded:
      'Passkey challenges in progress (5 minutes at most): each is a random value for one use of a passkey, and says nothing about you.',
  },
  password_reset: {
    owner: 'user_id',
    excluded:
      'Reset links in use: each row is the digest of a link sent by mail, which works for 30 minutes; a digest is a secret.',
  },
  mail_outbox: {
    owner: 'user_id',
    excluded:
      'Mail waiting to be sent to you: it is deleted once delivered, within 24 hours, and what it says reaches you by mail.',
  },
  auth_flow: {
    owner: 'link_user_id',
    excluded:
      'A provider sign-in in progress (10 minutes at most): it holds the protocol secrets of that sign-in only.',
  },
  throttle_event: {
    owner: null,
    excluded: 'Counts of attempts by client address: they name no account.',
  },
  username_throttle: {
    owner: null,
    excluded:
      'Counts of failed sign-ins by username, and of wrong second-factor codes by account id: they end with the next sign-in or passed second factor, and are forgotten after a day.',
  },
  totp: {
    owner: 'user_id',
    exportAs: 'totp',
    // Whether it is on and since when: never the secret.
    async read({ db, userId }) {
      const row = await db
        .selectFrom('totp')
        .select(['confirmed_at_ms'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const since = row?.confirmed_at_ms ?? null;
      return {
        enabled: since !== null,
        since: since === null ? null : new Date(since).toISOString(),
      };
    },
  },
  recovery_code: {
    owner: 'user_id',
    exportAs: 'recoveryCodes',
    // How many are left and when they were made: never a code or its digest.
    async read({ db, userId }) {
      const rows = await db
        .selectFrom('recovery_code')
        .select('created_at_ms')
        .where('user_id', '=', userId)
        .execute();
      const made = rows[0]?.created_at_ms;
      return {
        left: rows.length,
        madeAt: made === undefined ? null : new Date(made).toISOString(),
      };
    },
  },
};

/**
 * Everything stored about the user, from `accountTables`, with the tables
 * left out and why. Never a hash, a secret or a token.
 */
export async function exportAccount(context: ExportContext) {
  const exportedAt = new Date(context.now).toISOString();
  const data: Record<string, unknown> = {};
  const notExported: { table: string; reason: string }[] = [];
  for (const [table, policy] of Object.entries(accountTables)) {
    if ('read' in policy) data[policy.exportAs] = await policy.read(context);
    else notExported.push({ table, reason: policy.excluded });
  }
  return { exportedAt, ...data, notExported };
}

/**
 * Deletes the user and every row that names it, in one transaction, table by
 * table from `accountTables` (not trusting a cascade alone), and queues the
 * notice to its verified address. The notice names no user (`userId: null`):
 * it must outlive the account, and the outbox keeps nothing of it.
 * `false` when the user was already gone.
 */
export async function deleteAccount(
  db: Kysely<Database>,
  { userId, origin, now }: { userId: string; origin: EventOrigin; now: number },
): Promise<boolean> {
  return writeTransaction(db, async (trx) => {
    // The user row first: it locks out every change of this user meanwhile
    // (an address verified now waits, and the notice goes to the one read below).
    const locked = await trx
      .updateTable('user')
      .set((eb) => ({ lock_version: eb('lock_version', '+', 1) }))
      .where('id', '=', userId)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) === 0) return false;
    const user = await trx
      .selectFrom('user')
      .select(['email'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    for (const [table, policy] of Object.entries(accountTables)) {
      if (table === 'user' || policy.owner === null) continue;
      // Names from the list above, never from input.
      await trx
        .deleteFrom(table as keyof Database)
        .where(sql.ref(policy.owner), '=', userId)
        .execute();
    }
    await trx.deleteFrom('user').where('id', '=', userId).execute();
    if (user.email) {
      const payload = {
        at: now,
        clientAddress: origin.address,
        browser: origin.browser?.slice(0, 200),
      };
      await queueMail(
        trx,
        { kind: 'account_deleted', userId: null, address: user.email, payload },
        now,
      );
    }
    return true;
  });
}
