import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { AppLucia } from './create-lucia.ts';

/**
 * What an app's `openDatabase` returns: one driver pool, seen through Kysely
 * (queries) and Lucia (sessions), and the one way to close it.
 */
export interface AppDatabase {
  db: Kysely<Database>;
  lucia: AppLucia;
  /** Closes the pool that both share. */
  close(): Promise<void>;
}
