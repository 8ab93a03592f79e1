import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { AppLucia } from './create-lucia.ts';
import { pruneThrottle } from './throttle.ts';

/**
 * Deletes what no rule needs any more: expired sessions, and throttle rows
 * older than every window. Run at start and hourly (`startServer`).
 */
export async function runHousekeeping(db: Kysely<Database>, lucia: AppLucia): Promise<void> {
  await lucia.deleteExpiredSessions();
  await pruneThrottle(db, Date.now());
}
