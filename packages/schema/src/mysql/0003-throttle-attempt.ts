import type { Kysely } from 'kysely';

// Each attempt let through marks its own row, so that it can take back
// exactly that row (rows are otherwise alike in kind, address and time).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('throttle_event').addColumn('attempt_id', 'varchar(36)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('throttle_event').dropColumn('attempt_id').execute();
}
