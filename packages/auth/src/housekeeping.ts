import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Adapter } from 'lucia';
import { pruneThrottle } from './throttle.ts';

/**
 * Deletes what no rule needs any more: expired sessions (through Lucia's
 * adapter, as `lucia.deleteExpiredSessions()` does), and throttle rows older
 * than every window. Run at start and hourly (`startServer`).
 */
export async function runHousekeeping(db: Kysely<Database>, adapter: Adapter): Promise<void> {
  await adapter.deleteExpiredSessions();
  await pruneThrottle(db, Date.now());
}
