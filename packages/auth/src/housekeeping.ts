import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { AppLucia } from './create-lucia.ts';
import { Throttle } from './throttle.ts';

/**
 * Deletes what no rule needs any more: expired sessions, and throttle rows
 * older than every window. Run at start and hourly (`startServer`).
 */
export async function runHousekeeping(db: Kysely<Database>, lucia: AppLucia): Promise<void> {
  await lucia.deleteExpiredSessions();
  // The limits play no part in pruning.
  await new Throttle(db, { signinPerAddress: 1, signupPerAddress: 1 }).prune(Date.now());
}
