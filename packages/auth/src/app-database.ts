import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Adapter } from 'lucia';

/**
 * What an app's `openDatabase` returns: one driver pool, seen through Kysely
 * (queries) and Lucia's adapter (sessions), and the one way to close it.
 */
export interface AppDatabase {
  db: Kysely<Database>;
  /** Lucia's official adapter for the driver, over the same pool. */
  adapter: Adapter;
  /** Closes the pool that both share. */
  close(): Promise<void>;
}
