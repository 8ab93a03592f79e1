import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { pruneFlows } from './auth-flows.ts';
import type { AppLucia } from './create-lucia.ts';
import { pruneThrottle } from './throttle.ts';

/**
 * Deletes what no rule needs any more: expired sessions, throttle rows
 * older than every window, and provider sign-ins past their 10 minutes.
 * Run at start and hourly (`startServer`).
 */
export async function runHousekeeping(db: Kysely<Database>, lucia: AppLucia): Promise<void> {
  await lucia.deleteExpiredSessions();
  const now = Date.now();
  await pruneThrottle(db, now);
  await pruneFlows(db, now);
}
