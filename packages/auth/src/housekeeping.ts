import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Adapter } from 'lucia';
import { pruneFlows } from './auth-flows.ts';
import { pruneThrottle } from './throttle.ts';

/**
 * Deletes what no rule needs any more: expired sessions (through Lucia's
 * adapter, as `lucia.deleteExpiredSessions()` does), throttle rows older than
 * every window, and provider sign-ins past their 10 minutes. Run at start
 * and hourly (`startServer`).
 */
export async function runHousekeeping(db: Kysely<Database>, adapter: Adapter): Promise<void> {
  await adapter.deleteExpiredSessions();
  const now = Date.now();
  await pruneThrottle(db, now);
  await pruneFlows(db, now);
}
